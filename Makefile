# hookflow — see README.md. The two commands: `make dev` and `make test`.

IMG ?= ghcr.io/hookflow/hookflow:dev
GO ?= go
CONTROLLER_GEN ?= $(GO) tool -modfile=hack/tools/go.mod controller-gen
HELM ?= $(GO) run helm.sh/helm/v3/cmd/helm@v3.22.0
KUSTOMIZE ?= $(GO) run sigs.k8s.io/kustomize/kustomize/v5@v5.8.1
KUBECTL ?= bin/kubectl
# Directory holding etcd, kube-apiserver and kubectl, built once by hack/control-plane.sh.
CONTROL_PLANE = $(shell hack/control-plane.sh)

export GOFLAGS ?= -buildvcs=false
# Static binaries, as in the image; the tests build with the same settings, so
# the binary built by the cmd/hookflow test reuses their compiled packages.
export CGO_ENABLED ?= 0

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ The two commands

.PHONY: dev
# STORE=postgres also runs a local PostgreSQL and applies config/samples/postgres.
dev: STORE ?= CustomResource
dev: manifests control-plane $(if $(filter postgres Postgres,$(STORE)),postgres) ## Local control plane + CRDs + manager + webhook server on 127.0.0.1:8080 + samples (STORE=postgres: + PostgreSQL).
	$(GO) build -tags dev -o bin/hookflow ./cmd/hookflow
	$(GO) build -o bin/kubectl-hookflow ./cmd/kubectl-hookflow
	bin/hookflow dev --assets "$(CONTROL_PLANE)" --crds config/crd/bases --samples config/samples --state .dev$(if $(filter postgres Postgres,$(STORE)), --postgres)

.PHONY: test
test: manifests generate fmt vet control-plane postgres ## Unit, envtest, PostgreSQL and end-to-end tests, fuzz seeds included, under the race detector.
	KUBEBUILDER_ASSETS="$(CONTROL_PLANE)" CGO_ENABLED=1 $(GO) test -race ./... -count=1 -timeout 30m
	cd test/chart && KUBEBUILDER_ASSETS="$(CONTROL_PLANE)" CGO_ENABLED=1 $(GO) test -race ./... -count=1 -timeout 15m

.PHONY: bench
bench: manifests control-plane postgres ## DESIGN §9's benchmark (hookflow dev --postgres under vegeta load, under 3 minutes): prints a table, writes bench/results.json.
	$(GO) build -tags dev -o bin/hookflow ./cmd/hookflow
	$(GO) build -o bin/hookflow-bench ./cmd/hookflow-bench
	bin/hookflow-bench --hookflow bin/hookflow --assets "$(CONTROL_PLANE)" --crds config/crd/bases --samples config/samples \
		--pgbench "$$(hack/postgres.sh)/pgbench" --out bench/results.json

# The hookflow binary whose manager `make memory` measures.
MANAGER ?= bin/hookflow

.PHONY: memory
memory: manifests control-plane ## Resident memory of `hookflow manager` (MANAGER=bin/hookflow, built as in the image) with 1,000 Workflows and 50,000 records in a local control plane.
	$(if $(filter bin/hookflow,$(MANAGER)),$(GO) build -o bin/hookflow ./cmd/hookflow)
	$(GO) build -o bin/hookflow-bench ./cmd/hookflow-bench
	bin/hookflow-bench memory --manager $(MANAGER) --assets "$(CONTROL_PLANE)" --crds config/crd/bases --samples config/samples

##@ Development

.PHONY: manifests
manifests: ## Generate CRDs and the manager ClusterRole, and copy them into the chart.
	$(CONTROLLER_GEN) rbac:roleName=hookflow-manager crd paths="./..." output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	hack/sync-chart.sh

.PHONY: generate
generate: ## Generate DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## go fmt.
	$(GO) fmt ./...

.PHONY: vet
vet: ## go vet, the dev build (-tags dev) included.
	$(GO) vet ./...
	$(GO) vet -tags dev ./cmd/hookflow/...

.PHONY: control-plane
control-plane: ## Build (once) etcd, kube-apiserver and kubectl; link kubectl to bin/kubectl.
	@mkdir -p bin
	@ln -sf "$(CONTROL_PLANE)/kubectl" $(KUBECTL)

.PHONY: postgres
postgres: ## Install (once, from Debian's packages) PostgreSQL's server binaries and pgbench.
	@hack/postgres.sh >/dev/null

.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME (default 30s).
	hack/fuzz.sh $(or $(FUZZTIME),30s)

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build bin/hookflow (manager and server, as in the image; make dev adds -tags dev) and the kubectl plugin bin/kubectl-hookflow.
	$(GO) build -o bin/hookflow ./cmd/hookflow
	$(GO) build -o bin/kubectl-hookflow ./cmd/kubectl-hookflow

.PHONY: run
run: manifests generate ## Run the manager against the current kubeconfig.
	$(GO) run ./cmd/hookflow manager

.PHONY: docker-build
docker-build: ## Build the image (needs a Docker engine).
	docker build -t $(IMG) .

.PHONY: helm-lint
helm-lint: manifests ## Lint and render the chart.
	$(HELM) lint --strict charts/hookflow
	$(HELM) lint --strict charts/hookflow --values test/chart/testdata/values-full.yaml
	$(HELM) template hookflow charts/hookflow >/dev/null

##@ Deployment

.PHONY: install
install: manifests control-plane ## Install the CRDs into the current cluster.
	$(KUBECTL) apply -f config/crd/bases

.PHONY: uninstall
uninstall: manifests control-plane ## Remove the CRDs from the current cluster.
	$(KUBECTL) delete --ignore-not-found -f config/crd/bases

.PHONY: deploy
deploy: manifests control-plane ## Deploy the operator with kustomize (IMG=...).
	cd config/manager && $(KUSTOMIZE) edit set image ghcr.io/hookflow/hookflow=$(IMG)
	$(KUSTOMIZE) build config/default | $(KUBECTL) apply --server-side -f -

.PHONY: undeploy
undeploy: control-plane ## Remove the operator.
	$(KUSTOMIZE) build config/default | $(KUBECTL) delete --ignore-not-found -f -

.PHONY: build-installer
build-installer: manifests ## Write dist/install.yaml, the whole operator in one file (IMG=...).
	@mkdir -p dist
	cd config/manager && $(KUSTOMIZE) edit set image ghcr.io/hookflow/hookflow=$(IMG)
	$(KUSTOMIZE) build config/default > dist/install.yaml
