#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, build, every test target. `.ci/run` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
