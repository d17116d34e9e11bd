# syntax=docker/dockerfile:1
# The one hookflow image: `hookflow manager` and `hookflow server` (see DESIGN.md §1).

# Build on the build machine's platform and cross-compile for the target.
FROM --platform=$BUILDPLATFORM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH
WORKDIR /workspace

# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} GOFLAGS=-buildvcs=false \
    go build -trimpath -ldflags='-s -w' -o /hookflow ./cmd/hookflow

FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=builder /hookflow /hookflow
USER 65532:65532
ENTRYPOINT ["/hookflow"]
