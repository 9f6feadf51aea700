#!/usr/bin/env bash
# The offline checks of the Helm chart, run by scripts/test.sh:
#   lint         helm lint --strict with each examples/*.yaml and ci/*-values.yaml
#   template     helm template of each of them for Kubernetes $KUBE_VERSION
#   validate     kubernetes-validate --strict on every rendered manifest; the
#                prometheus-operator kinds (not in its bundled schemas) against
#                their CRD schemas instead (validate-crds.mjs)
#   unittest     helm-unittest --strict of the chart's tests/*_test.yaml
#   rejections   each tests/schema-rejections/*.yaml must make helm template
#                fail with the text of its "# expect: <text>" first line
#   dashboards   each files/dashboards/*.json is Grafana dashboard JSON
# Every step runs even after a failure; the summary lists what failed and the
# exit status is non-zero if anything did. Tools: ensure-tools.sh.
#
# Usage: check.sh [CHART_DIR]   (default deploy/helm/accord)
#
# A rejection file may name, on its second line, values it applies on top of
# ("# base: examples/health.yaml", relative to the chart), so that it only has
# to hold the one wrong value.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
chart="$(cd "${1:-$repo/deploy/helm/accord}" && pwd)" || { echo "[accord-helm] no chart at ${1:-deploy/helm/accord}" >&2; exit 1; }

KUBE_VERSION=1.30.0
# Kinds kubernetes-validate has no schema for that validate-crds.mjs checks;
# a missing schema for any other kind (a typo, an API removed by
# $KUBE_VERSION) is a failure.
CRD_KINDS=("ServiceMonitor monitoring.coreos.com/v1" "PrometheusRule monitoring.coreos.com/v1")

ACCORD_CACHE="${ACCORD_CACHE:-$HOME/.cache/accord}"
bash "$here/ensure-tools.sh" --quiet || { echo "[accord-helm] ERROR: the chart tools could not be installed" >&2; exit 1; }
HELM="$ACCORD_CACHE/bin/helm"
UNITTEST="$ACCORD_CACHE/bin/helm-unittest"
KUBE_VALIDATE="$ACCORD_CACHE/venv/bin/kubernetes-validate"
CRD_DIR="$ACCORD_CACHE/crd-validate"
# Helm keeps its own state in the cache, never in ~/.config or ~/.local.
export HELM_CACHE_HOME="$ACCORD_CACHE/helm/cache" HELM_CONFIG_HOME="$ACCORD_CACHE/helm/config" \
  HELM_DATA_HOME="$ACCORD_CACHE/helm/data" HELM_PLUGINS="$ACCORD_CACHE/helm/plugins"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failures=()

say() { printf '[accord-helm] %s\n' "$*" >&2; }
pass() { passed=$((passed + 1)); }
fail() { failures+=("$1"); say "FAIL: $1"; }

# The values matrix: every example and every ci/*-values.yaml, relative to the chart.
values_files=()
while IFS= read -r f; do values_files+=("$f"); done < <(cd "$chart" && ls examples/*.yaml ci/*-values.yaml 2>/dev/null)
[[ ${#values_files[@]} -gt 0 ]] || fail "no values files in examples/ or ci/*-values.yaml"

# rendered_name VALUES_FILE -> examples/health.yaml -> examples-health
rendered_name() { local f=${1%.yaml}; echo "${f//\//-}"; }

lint() {
  say "lint: helm lint --strict --kube-version $KUBE_VERSION (${#values_files[@]} values files)"
  local f
  for f in "${values_files[@]}"; do
    if "$HELM" lint --strict --quiet --kube-version "$KUBE_VERSION" "$chart" -f "$chart/$f" >"$work/lint.out" 2>&1; then pass
    else cat "$work/lint.out" >&2; fail "helm lint with $f"; fi
  done
}

template() {
  say "template: helm template --kube-version $KUBE_VERSION into $work/rendered"
  mkdir -p "$work/rendered"
  local f out
  for f in "${values_files[@]}"; do
    out="$work/rendered/$(rendered_name "$f").yaml"
    if ! "$HELM" template accord "$chart" --namespace "$(basename "${f%.yaml}")" --kube-version "$KUBE_VERSION" \
      -f "$chart/$f" >"$out" 2>"$work/template.err"; then
      cat "$work/template.err" >&2; rm -f "$out"; fail "helm template with $f"
    elif ! grep -q '^kind:' "$out"; then
      rm -f "$out"; fail "helm template with $f rendered no resources"
    else pass; fi
  done
}

# is_crd_kind KIND APIVERSION -> one of CRD_KINDS
is_crd_kind() {
  local k
  for k in "${CRD_KINDS[@]}"; do [[ "$k" == "$1 $2" ]] && return 0; done
  return 1
}

validate() {
  say "validate: kubernetes-validate --strict -k $KUBE_VERSION; ${CRD_KINDS[*]} against their CRD schemas"
  local files=("$work"/rendered/*.yaml) f line kind api ok
  [[ -e "${files[0]}" ]] || { fail "nothing rendered to validate"; return; }
  for f in "${files[@]}"; do
    ok=1
    "$KUBE_VALIDATE" --strict -k "$KUBE_VERSION" --quiet "$f" >"$work/validate.out" 2>&1 || ok=0
    while IFS= read -r line; do
      # kubernetes-validate only warns (exit 0) when it has no schema for a kind.
      if [[ "$line" =~ Couldn\'t\ find\ schema\ for\ kind\ ([^ ]+)\ with\ api\ version\ ([^ ]+) ]]; then
        kind=${BASH_REMATCH[1]} api=${BASH_REMATCH[2]}
        is_crd_kind "$kind" "$api" && continue
        echo "$line (no Kubernetes $KUBE_VERSION schema: a typo or a removed API)" >&2; ok=0
      elif [[ -n "$line" ]]; then echo "$line" >&2; fi
    done <"$work/validate.out"
    if ((ok)); then pass; else fail "kubernetes-validate of $(basename "$f")"; fi
  done
  if node "$here/validate-crds.mjs" "$CRD_DIR" "${files[@]}" >"$work/crds.out" 2>&1; then
    pass; tail -n 1 "$work/crds.out" >&2
  else
    grep -v '^INFO' "$work/crds.out" >&2; fail "CRD resources (ServiceMonitor, PrometheusRule) against their CRD schemas"
  fi
}

unittest() {
  say "unittest: helm-unittest --strict tests/*_test.yaml"
  if ! compgen -G "$chart/tests/*_test.yaml" >/dev/null; then fail "no chart unit tests (tests/*_test.yaml)"; return; fi
  if "$UNITTEST" --strict "$chart" >"$work/unittest.out" 2>&1; then
    pass; grep -E '^(Charts|Test Suites|Tests):' "$work/unittest.out" >&2
  else
    cat "$work/unittest.out" >&2; fail "helm-unittest"
  fi
}

rejections() {
  say "rejections: tests/schema-rejections/*.yaml must fail helm template with their '# expect:' text"
  local files=("$chart"/tests/schema-rejections/*.yaml) f expect base name args
  [[ -e "${files[0]}" ]] || { fail "no schema rejection files (tests/schema-rejections/*.yaml)"; return; }
  for f in "${files[@]}"; do
    name="tests/schema-rejections/$(basename "$f")"
    expect=$(sed -n '1s/^# expect: *//p' "$f")
    [[ -n "$expect" ]] || { fail "$name: first line is not '# expect: <text>'"; continue; }
    base=$(sed -n '2s/^# base: *//p' "$f")
    args=()
    if [[ -n "$base" ]]; then
      [[ -f "$chart/$base" ]] || { fail "$name: its base $base does not exist"; continue; }
      args=(-f "$chart/$base")
    fi
    if "$HELM" template accord "$chart" --kube-version "$KUBE_VERSION" "${args[@]}" -f "$f" >"$work/reject.out" 2>&1; then
      fail "$name rendered, but should have been rejected ($expect)"
    elif ! grep -qF -- "$expect" "$work/reject.out"; then
      cat "$work/reject.out" >&2; fail "$name was rejected without the message '$expect'"
    else pass; fi
  done
}

dashboards() {
  say "dashboards: files/dashboards/*.json are Grafana dashboards"
  local files=("$chart"/files/dashboards/*.json)
  [[ -e "${files[0]}" ]] || { fail "no dashboards in files/dashboards/"; return; }
  if node "$here/check-dashboards.mjs" "${files[@]}" >"$work/dashboards.out" 2>&1; then pass
  else grep -v '^INFO' "$work/dashboards.out" >&2; fail "dashboard JSON shape"; fi
}

t0=$SECONDS
say "checking $chart (helm $("$HELM" version --short), Kubernetes $KUBE_VERSION)"
lint
template
validate
unittest
rejections
dashboards
say "chart checks took $((SECONDS - t0)) s"
for f in "${failures[@]}"; do say "  failed: $f"; done
echo "chart-checks: $passed passed, ${#failures[@]} failed"
((${#failures[@]} == 0))
