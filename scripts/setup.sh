#!/usr/bin/env bash
# Installs what building and testing Masker needs on a fresh Debian machine, then resolves packages.
# Idempotent: safe to run again. Later issues add their system packages here (PostgreSQL,
# PocketSphinx, flite) so the README's two commands stay the only set-up a user runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift toolchain (6.x) is not on PATH; install it from swift.org, then run this again" >&2
  exit 1
fi

# System packages the build and tests need: python3 (the audit tests run the auditors' check
# script, scripts/verify-audit-log.py), SQLite's headers (GRDB and the vault's token reader
# link libsqlite3) and the PostgreSQL server for the vault tests (scripts/
# postgres.sh starts a throwaway cluster on loopback). Voice: libpocketsphinx-dev and
# pocketsphinx-en-us (the local speech recogniser is built against the one and loads the other's
# model), flite and sox (the voice tests render their call recordings: data/voice/render_calls.py),
# pocketsphinx (its command-line tools, for comparing by hand). curl: the demo and CLI tests call the proxy.
# python3-venv: the end-to-end tests' virtualenv (below). chromium and chromium-driver: the
# portal's browser test (Tests/e2e/portal_browser.py drives Debian's browser through Debian's
# driver with Selenium; nothing is downloaded at test time).
APT_PACKAGES=(postgresql libsqlite3-dev python3 python3-venv curl chromium chromium-driver
  libpocketsphinx-dev pocketsphinx-en-us pocketsphinx flite sox)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# OpenAI's official Python client and Selenium, pinned, for the end-to-end proxy and browser
# tests; in a virtualenv under .build so nothing is installed system-wide and git ignores it.
if ! .build/python-e2e/bin/python -c "import openai, selenium, websocket" >/dev/null 2>&1; then
  python3 -m venv .build/python-e2e
  .build/python-e2e/bin/pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt
fi

swift package resolve
