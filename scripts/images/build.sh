#!/usr/bin/env bash
# Builds the container images accord/<name>:<tag> from deploy/docker/<name>.Dockerfile
# (build context: the repository root) with docker or podman, whichever is
# usable (ACCORD_CONTAINER_ENGINE picks one). Without a usable engine it says
# why and exits 2; the Dockerfiles are still checked offline by
# scripts/images/lint.sh and deploy/docker/dockerfiles.spec.ts.
#
#   scripts/images/build.sh [--tag TAG] [--push REGISTRY] [NAME...]
#
#   NAME             ledger, contracts, catalog, storage-gateway, console (default: all)
#   --tag TAG        image tag (default: the version in package.json)
#   --push REGISTRY  also tag each image REGISTRY/accord/<name>:<tag> and push it
#                    (the chart's global.imageRegistry); log in to it beforehand
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

readonly ALL_IMAGES=(ledger contracts catalog storage-gateway console)

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 64
}

tag=$(node -p 'require("./package.json").version')
registry=''
images=()
while (($#)); do
  case $1 in
    --tag) tag=${2:?--tag needs a value}; shift 2 ;;
    --push) registry=${2:?--push needs a registry}; registry=${registry%/}; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *)
      [[ -f deploy/docker/$1.Dockerfile ]] || { echo "no image named '$1' (deploy/docker/$1.Dockerfile)" >&2; exit 64; }
      images+=("$1"); shift ;;
  esac
done
((${#images[@]})) || images=("${ALL_IMAGES[@]}")

# Why an engine cannot build here, or nothing when it can: installed, its
# daemon/service answering, and (docker) the buildx plugin, since the
# Dockerfiles use RUN --mount=type=cache, a BuildKit feature (podman has it built in).
engine_problem() {
  local engine=$1
  if ! command -v "$engine" >/dev/null; then echo "$engine is not installed"; return; fi
  if ! "$engine" info >/dev/null 2>&1; then echo "$engine is installed but its daemon does not answer ($engine info fails)"; return; fi
  if [[ $engine == docker ]] && ! docker buildx version >/dev/null 2>&1; then echo "docker has no buildx plugin (BuildKit)"; fi
}

engine=''
problems=()
for candidate in ${ACCORD_CONTAINER_ENGINE:-docker podman}; do
  problem=$(engine_problem "$candidate")
  if [[ -z $problem ]]; then engine=$candidate; break; fi
  problems+=("$problem")
done
if [[ -z $engine ]]; then
  {
    echo "[accord] no usable container engine here, so no image was built:"
    printf '  - %s\n' "${problems[@]}"
    echo "  Install Docker (with buildx) or Podman, or build on a machine that has one."
    echo "  The Dockerfiles are still checked without one: scripts/images/lint.sh (hadolint) and"
    echo "  deploy/docker/dockerfiles.spec.ts (their paths against the output of scripts/ensure-deps.sh)."
  } >&2
  exit 2
fi

for name in "${images[@]}"; do
  image="accord/$name:$tag"
  echo "[accord] building $image with $engine" >&2
  "$engine" build --file "deploy/docker/$name.Dockerfile" --tag "$image" .
  if [[ -n $registry ]]; then
    "$engine" tag "$image" "$registry/$image"
    echo "[accord] pushing $registry/$image" >&2
    "$engine" push "$registry/$image"
  fi
done
echo "[accord] built: ${images[*]} (tag $tag)${registry:+, pushed to $registry}" >&2
