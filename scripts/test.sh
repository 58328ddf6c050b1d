#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs typecheck,
# lint and the whole test suite (npm run check). CI runs exactly this.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install.sh
bash scripts/devservices.sh
bash scripts/browser.sh
export TZ=UTC
mkdir -p test-artifacts
npm run --silent check

# One plain closing line with the totals, for tools that read the last lines.
node -e '
  const r = require("./test-artifacts/jest-results.json");
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
'
