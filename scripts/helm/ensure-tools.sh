#!/usr/bin/env bash
# Builds or installs the offline chart-check tools into ~/.cache/accord, once:
#   bin/helm            helm.sh/helm/v3 built with `go install` (no prebuilt download)
#   bin/helm-unittest   helm-unittest built with `go install`, also registered
#                       as the helm plugin "unittest" under helm/plugins
#   venv/               PyPI kubernetes-validate (bundles the Kubernetes schemas)
#   crd-validate/       npm @kubernetes-models/prometheus-operator, whose
#                       validators are generated from the prometheus-operator
#                       CRD schemas (ServiceMonitor, PrometheusRule), and npm
#                       yaml to read the rendered manifests (validate-crds.mjs)
# Each tool records its pinned version next to it (<tool>.version); changing a
# pin below rebuilds only that tool. Go's build and module caches live under
# ~/.cache/accord/go, so a rebuild after a pin change mostly relinks.
# Idempotent and safe to run from several shells at once (one flock).
# Prints the tool versions at the end. Times: docs/infrastructure.md "Chart checks".
#
# Usage: ensure-tools.sh [--quiet]   (--quiet: no version listing)
set -euo pipefail

# Upstream's release Makefile sets the default Kubernetes version from the
# k8s.io/client-go module it builds against (v0.36.x -> 1.36); a plain
# `go install` would leave 1.20. The checks pass --kube-version anyway.
HELM_VERSION=v3.21.4
HELM_DEFAULT_KUBE_MINOR=36
HELM_UNITTEST_VERSION=v1.1.2
# helm-unittest renders with the helm library's default capabilities (1.20
# unless linked otherwise); link in the version the checks target (1.30) so
# suites see the same cluster as `helm template --kube-version 1.30.0`.
UNITTEST_DEFAULT_KUBE_MINOR=30
KUBERNETES_VALIDATE_VERSION=1.37.0
CRD_MODELS_VERSION=6.0.0
YAML_VERSION=2.9.1

ACCORD_CACHE="${ACCORD_CACHE:-$HOME/.cache/accord}"
BIN="$ACCORD_CACHE/bin"
VENV="$ACCORD_CACHE/venv"
CRD_DIR="$ACCORD_CACHE/crd-validate"
PLUGINS="$ACCORD_CACHE/helm/plugins"
LOGS="$ACCORD_CACHE/logs"

log() { printf '[accord-helm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stamp_ok FILE VERSION -> the tool was installed at exactly this pin
stamp_ok() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# go_env CMD... -> runs CMD with the pinned toolchain, static builds and the shared caches
go_env() {
  GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$BIN" GOFLAGS="-trimpath -buildvcs=false" \
    GOCACHE="$ACCORD_CACHE/go/cache" GOMODCACHE="$ACCORD_CACHE/go/mod" "$@"
}

# go_build NAME TARGET LDFLAGS -> `go install TARGET` (PACKAGE@VERSION, or ./path
# inside the current module) into $BIN, timed, with its output in logs/
go_build() {
  local name=$1 target=$2 ldflags=$3 t0=$SECONDS build_log="$LOGS/$1-build.log"
  command -v go >/dev/null || die "Go is needed to build $name (go install); none on PATH"
  log "building $name ($target; log: $build_log)"
  go_env go install -ldflags "-s -w $ldflags" "$target" >"$build_log" 2>&1 ||
    { tail -n 30 "$build_log" >&2; die "$name build failed (log: $build_log)"; }
  log "$name built in $((SECONDS - t0)) s"
}

ensure_helm() {
  local stamp="$BIN/helm.version"
  stamp_ok "$stamp" "$HELM_VERSION" && [[ -x "$BIN/helm" ]] && return 0
  rm -f "$stamp"
  go_build helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" \
    "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
     -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
     -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_DEFAULT_KUBE_MINOR \
     -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
     -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_DEFAULT_KUBE_MINOR"
  echo "$HELM_VERSION" >"$stamp"
}

# helm-unittest runs standalone (`helm-unittest CHART`); the plugin entry lets
# `helm unittest CHART` work too with HELM_PLUGINS=$PLUGINS, without the
# plugin's install hook (which downloads a release binary).
ensure_helm_unittest() {
  local stamp="$BIN/helm-unittest.version"
  if ! { stamp_ok "$stamp" "$HELM_UNITTEST_VERSION" && [[ -x "$BIN/helm-unittest" ]]; }; then
    rm -f "$stamp"
    # Its go.mod has a replace directive, which `go install pkg@version`
    # refuses; so fetch the module with Go and build it as the main module.
    local mod="github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION" src
    src="$ACCORD_CACHE/src/helm-unittest@$HELM_UNITTEST_VERSION"
    if [[ ! -f "$src/go.mod" ]]; then
      local dir
      dir=$(go_env go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
      [[ -n "$dir" && -f "$dir/go.mod" ]] || die "go mod download $mod gave no source folder"
      rm -rf "$src.tmp" && mkdir -p "$(dirname "$src")" && cp -r "$dir" "$src.tmp" &&
        chmod -R u+w "$src.tmp" && mv "$src.tmp" "$src"
    fi
    (cd "$src" && go_build helm-unittest ./cmd/helm-unittest \
      "-X github.com/helm-unittest/helm-unittest/internal/build.version=${HELM_UNITTEST_VERSION#v} \
       -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
       -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$UNITTEST_DEFAULT_KUBE_MINOR")
    echo "$HELM_UNITTEST_VERSION" >"$stamp"
  fi
  mkdir -p "$PLUGINS/unittest"
  ln -sf "$BIN/helm-unittest" "$PLUGINS/unittest/untt"
  cat >"$PLUGINS/unittest/plugin.yaml" <<EOF
name: "unittest"
version: "${HELM_UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "helm-unittest built from source by scripts/helm/ensure-tools.sh"
ignoreFlags: false
command: "\$HELM_PLUGIN_DIR/untt"
EOF
}

ensure_kubernetes_validate() {
  local stamp="$VENV/kubernetes-validate.version" t0=$SECONDS
  stamp_ok "$stamp" "$KUBERNETES_VALIDATE_VERSION" && [[ -x "$VENV/bin/kubernetes-validate" ]] && return 0
  command -v python3 >/dev/null || die "python3 is needed for kubernetes-validate; none on PATH"
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION into $VENV"
  [[ -x "$VENV/bin/pip" ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >"$LOGS/kubernetes-validate-install.log" 2>&1 ||
    { tail -n 30 "$LOGS/kubernetes-validate-install.log" >&2; die "pip install kubernetes-validate failed"; }
  echo "$KUBERNETES_VALIDATE_VERSION" >"$stamp"
  log "kubernetes-validate installed in $((SECONDS - t0)) s"
}

# Kept out of the repository's lockfile on purpose: only the chart checks use
# it, from their own folder in the cache.
ensure_crd_models() {
  local stamp="$CRD_DIR/models.version" t0=$SECONDS pins="$CRD_MODELS_VERSION yaml@$YAML_VERSION"
  stamp_ok "$stamp" "$pins" && [[ -d "$CRD_DIR/node_modules/@kubernetes-models/prometheus-operator" ]] && return 0
  command -v npm >/dev/null || die "npm is needed for the CRD validators; none on PATH"
  log "installing @kubernetes-models/prometheus-operator $CRD_MODELS_VERSION into $CRD_DIR"
  mkdir -p "$CRD_DIR"
  [[ -f "$CRD_DIR/package.json" ]] || echo '{ "name": "accord-crd-validate", "private": true }' >"$CRD_DIR/package.json"
  npm install --prefix "$CRD_DIR" --no-audit --no-fund --save-exact \
    "@kubernetes-models/prometheus-operator@$CRD_MODELS_VERSION" "yaml@$YAML_VERSION" >"$LOGS/crd-models-install.log" 2>&1 ||
    { tail -n 30 "$LOGS/crd-models-install.log" >&2; die "npm install of the CRD validators failed"; }
  echo "$pins" >"$stamp"
  log "CRD validators installed in $((SECONDS - t0)) s"
}

main() {
  mkdir -p "$BIN" "$LOGS" "$PLUGINS"
  exec 9>"$ACCORD_CACHE/.helm-tools.lock"
  flock 9
  ensure_helm
  ensure_helm_unittest
  ensure_kubernetes_validate
  ensure_crd_models
  flock -u 9
  [[ "${1:-}" == --quiet ]] && return 0
  echo "helm: $("$BIN/helm" version --short)"
  echo "helm-unittest: $("$BIN/helm-unittest" --help >/dev/null && cat "$BIN/helm-unittest.version")"
  echo "kubernetes-validate: $("$VENV/bin/kubernetes-validate" --version)"
  echo "@kubernetes-models/prometheus-operator, yaml: $(cat "$CRD_DIR/models.version")"
}

main "$@"
