#!/usr/bin/env bash
# npm run demo: sets up what it needs (npm packages, the embedded database), then runs the demo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/install.sh"
bash "$ROOT/scripts/devservices.sh" ferretdb
cd "$ROOT"
exec node --import tsx scripts/demo.ts "$@"
