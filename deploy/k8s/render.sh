#!/usr/bin/env bash
# Renders a Kustomize directory (default: overlays/example) to YAML on stdout with the Kustomize
# library (render/main.go), built once with the installed Go into the shared cache, like FerretDB
# in deploy/local. Needs no kubectl and no cluster.
#   bash deploy/k8s/render.sh [DIR]      e.g. bash deploy/k8s/render.sh deploy/k8s/base
#   bash deploy/k8s/render.sh --build    only build the renderer
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${FENGQIAO_CACHE_DIR:-$HOME/.cache/fengqiao}"
key="$(cat "$here/render/main.go" "$here/render/go.mod" "$here/render/go.sum" | sha256sum | cut -c1-12)"
bin="$cache/k8s-render/$key/kustomize-render"

if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null 2>&1 || { echo "k8s-render: Go not found (needed once to build the renderer)" >&2; exit 1; }
  mkdir -p "$(dirname "$bin")"
  echo "k8s-render: building the Kustomize renderer with $(go env GOVERSION) (once)" >&2
  tmp="$bin.tmp.$$"
  (cd "$here/render" && env GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-modcacherw GOWORK=off CGO_ENABLED=0 \
    go build -mod=readonly -trimpath -ldflags='-s -w' -o "$tmp" .) >&2
  mv -f "$tmp" "$bin"
fi
[[ "${1:-}" == "--build" ]] && exit 0
exec "$bin" "${1:-$here/overlays/example}"
