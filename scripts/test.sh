#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs typecheck,
# lint and the whole test suite (npm run check). CI runs exactly this.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install.sh
bash scripts/devservices.sh
export TZ=UTC
npm run --silent check
