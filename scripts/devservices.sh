#!/usr/bin/env bash
# Builds the local stand-ins the project runs against, with the machine's Go
# toolchain through the Go module proxy, into the ignored .devservices/bin.
# Idempotent: a binary is rebuilt only when its pinned inputs change.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.devservices/bin"
STRIPE_MOCK_VERSION="v0.203.0"
mkdir -p "$BIN"

if ! command -v go >/dev/null 2>&1; then
  echo "devservices: the Go toolchain (go) is required to build the dev database and stripe-mock" >&2
  exit 1
fi

# The stamp is a hash of everything that decides the binary, so editing the
# launcher or bumping a pin rebuilds, and nothing else does.
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

build_ferretdb() {
  local src="$ROOT/devservices/ferretdb"
  local stamp; stamp="$(stamp_of "$src"/*.go "$src/go.mod" "$src/go.sum" "$src"/patches/*.patch)"
  if [[ -x "$BIN/ferretdb-dev" && "$(cat "$BIN/ferretdb-dev.stamp" 2>/dev/null)" == "$stamp" ]]; then
    return
  fi
  echo "devservices: building ferretdb-dev (FerretDB embedded, SQLite backend); the first build takes a few minutes" >&2
  # FerretDB's module, downloaded as usual, copied and patched (devservices/ferretdb/patches explains each
  # patch), then used through a replace in a generated go.mod: the launcher's own go.mod stays plain.
  local version; version="$(cd "$src" && go list -m -f '{{.Version}}' github.com/FerretDB/FerretDB)"
  local module_dir; module_dir="$(cd "$src" && go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  local patched="$ROOT/.devservices/src/FerretDB-$version-patched"
  rm -rf "$patched" && mkdir -p "$(dirname "$patched")"
  cp -R "$module_dir" "$patched" && chmod -R u+w "$patched"
  for patch_file in "$src"/patches/*.patch; do
    patch --quiet --strip=1 --directory="$patched" --input="$patch_file"
  done
  cp "$src/go.mod" "$ROOT/.devservices/src/go.patched.mod"
  cp "$src/go.sum" "$ROOT/.devservices/src/go.patched.sum"
  (cd "$src" && go mod edit -modfile="$ROOT/.devservices/src/go.patched.mod" -replace "github.com/FerretDB/FerretDB=$patched" \
    && go build -modfile="$ROOT/.devservices/src/go.patched.mod" -trimpath -o "$BIN/ferretdb-dev.tmp" .)
  mv "$BIN/ferretdb-dev.tmp" "$BIN/ferretdb-dev"
  echo "$stamp" > "$BIN/ferretdb-dev.stamp"
}

build_stripe_mock() {
  if [[ -x "$BIN/stripe-mock" && "$(cat "$BIN/stripe-mock.stamp" 2>/dev/null)" == "$STRIPE_MOCK_VERSION" ]]; then
    return
  fi
  echo "devservices: building stripe-mock $STRIPE_MOCK_VERSION" >&2
  GOBIN="$BIN" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  echo "$STRIPE_MOCK_VERSION" > "$BIN/stripe-mock.stamp"
}

# With no argument, build everything; otherwise only the named services.
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(ferretdb stripe-mock)
for target in "${targets[@]}"; do
  case "$target" in
    ferretdb) build_ferretdb ;;
    stripe-mock) build_stripe_mock ;;
    *) echo "devservices: unknown service '$target' (ferretdb, stripe-mock)" >&2; exit 2 ;;
  esac
done
