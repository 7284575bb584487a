#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, build, a throwaway PostgreSQL server on loopback
# for the vault tests, every test target (the browser and voice end-to-end suites last, alone), the fault tests (scripts/faults.sh: kill -9 under load, a
# full disk, a PostgreSQL outage; about 45 s; FAULTS=0 skips them), then fuzzing of the proxy's
# trust boundary and of agent policies, 45 s each (scripts/fuzz.sh; FUZZ_SECONDS per target, 0 to
# skip). `.ci/run` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
eval "$(bash scripts/postgres.sh start)"
trap 'bash scripts/postgres.sh stop' EXIT
# The end-to-end suites that drive Chromium and speech recognition take both cores for a minute:
# they run after the rest, one after the other, so neither the suite's timing-bound tests
# (deadlines, database timeouts) nor the browser's page loads share the machine with them.
heavy=(PortalBrowserTests VoiceReplayTests)
swift test --skip-build --skip "$(IFS='|'; echo "${heavy[*]}")"
for suite in "${heavy[@]}"; do swift test --skip-build --filter "$suite"; done
if [ "${FAULTS:-1}" != 0 ]; then bash scripts/faults.sh all; fi
if [ "${FUZZ_SECONDS:-45}" -gt 0 ]; then bash scripts/fuzz.sh "${FUZZ_SECONDS:-45}" all; fi
