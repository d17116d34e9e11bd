#!/usr/bin/env bash
# Builds the local control-plane binaries (etcd, kube-apiserver, kubectl) from the Go
# module proxy and caches them outside the repository, keyed by version. Prints the
# directory that holds them, so it can be used as KUBEBUILDER_ASSETS:
#
#   export KUBEBUILDER_ASSETS="$(hack/control-plane.sh)"
#
# setup-envtest's download cannot be used where only the module proxy is reachable;
# building from source takes about 6 minutes on 2 cores the first time and nothing
# afterwards.
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
STAGING_VERSION="v0.${KUBE_VERSION#1.}"
cache_root="${HOOKFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hookflow}/envtest"
dest="${cache_root}/k8s-${KUBE_VERSION}-etcd-${ETCD_VERSION}-$(go env GOOS)-$(go env GOARCH)"

log() { printf 'control-plane: %s\n' "$*" >&2; }

have_all() {
	[[ -x "$dest/etcd" && -x "$dest/kube-apiserver" && -x "$dest/kubectl" ]]
}

if have_all; then
	echo "$dest"
	exit 0
fi

mkdir -p "$cache_root"
# One builder at a time: a second caller waits for the first and reuses its result.
exec 9>"${cache_root}/.lock"
flock 9
if have_all; then
	echo "$dest"
	exit 0
fi

work="$(mktemp -d "${cache_root}/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
export GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0

build_etcd() {
	log "building etcd v${ETCD_VERSION}"
	mkdir -p "$work/etcd"
	(
		cd "$work/etcd"
		go mod init hookflow.local/etcd-build >/dev/null 2>&1
		go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" >/dev/null 2>&1
		go build -trimpath -ldflags='-s -w' -o "$work/bin/etcd" go.etcd.io/etcd/server/v3
	)
}

build_kube() {
	log "building kube-apiserver and kubectl v${KUBE_VERSION} (about 6 minutes the first time)"
	mkdir -p "$work/kube"
	local gomod
	gomod="$(go mod download -json "k8s.io/kubernetes@v${KUBE_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
	[[ -f "$gomod" ]] || { log "cannot download k8s.io/kubernetes@v${KUBE_VERSION}"; exit 1; }
	(
		cd "$work/kube"
		{
			echo "module hookflow.local/kube-build"
			echo
			echo "go $(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
			echo
			echo "require k8s.io/kubernetes v${KUBE_VERSION}"
			echo
			# k8s.io/kubernetes points its staging modules at ./staging; point them
			# at their published versions instead.
			sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#replace \1 => \1 '"${STAGING_VERSION}"'#p' "$gomod"
		} >go.mod
		go build -trimpath -ldflags='-s -w' -o "$work/bin/" \
			k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
	)
}

build_etcd
build_kube
"$work/bin/etcd" --version >/dev/null
"$work/bin/kube-apiserver" --version >/dev/null
"$work/bin/kubectl" version --client >/dev/null

rm -rf "$dest"
mv "$work/bin" "$dest"
log "cached in $dest"
echo "$dest"
