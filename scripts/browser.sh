#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (never a browser download by
# a test tool), with a Japanese font so the Japanese card-update page shows
# its text rather than empty boxes in screenshots. Idempotent: does nothing
# when both are there.
set -euo pipefail
packages=()
if [[ ! -x /usr/bin/chromium ]]; then packages+=(chromium fonts-dejavu-core); fi
if ! (command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=ja 2>/dev/null)" ]]); then packages+=(fonts-vlgothic); fi
if [[ ${#packages[@]} -eq 0 ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: ${packages[*]} missing and apt-get is not available; install Debian's packages" >&2
  # The Japanese font only changes screenshots: no font is no failure.
  [[ -x /usr/bin/chromium ]] && exit 0
  exit 1
fi
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then SUDO="sudo"; fi
echo "browser: installing Debian's ${packages[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
