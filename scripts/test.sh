#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, build, a throwaway PostgreSQL server on loopback
# for the vault tests, every test target. `.ci/run` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
eval "$(bash scripts/postgres.sh start)"
trap 'bash scripts/postgres.sh stop' EXIT
swift test
