#!/usr/bin/env bash
# Installs the npm packages when they are missing or the lockfile changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install: Node.js 20 and npm are required" >&2
  exit 1
fi
stamp="node_modules/.install-stamp"
want="$(sha256sum package-lock.json | cut -c1-16)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "install: installing npm packages" >&2
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
