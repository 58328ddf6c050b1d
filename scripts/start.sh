#!/usr/bin/env bash
# Sets up what is missing, then runs the backend (web and worker by default).
# With no MONGODB_URI it builds and starts the embedded dev database.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install.sh
if [[ -z "${MONGODB_URI:-}" ]]; then
  bash scripts/devservices.sh ferretdb
fi
exec node --import tsx scripts/dev.ts "$@"
