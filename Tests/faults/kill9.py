"""Three `kill -9`s under load: nothing answered is lost.

Eight callers send turns, half through `/api/v1/mask` (the answer holds vault tokens, written down
with the session and the original text) and half through the proxy to the built-in stub model
(which repeats the masked turn back, so the answer is the caller's own text, restored). After a
couple of seconds the server is killed with SIGKILL mid-load and started again on the same data
directory, three times. Then:
- the server starts every time (the audit log's torn tail, if any, is set aside, never lost);
- `masker audit verify` holds over the whole log;
- every token any caller was given before a kill restores to its original through
  `/api/v1/rehydrate`: a 200 is sent only once its tokens and events are durable;
- every proxied 200 answered the caller's own words, and no answer was a 5xx.

Usage: python3 Tests/faults/kill9.py   (MASKER_BINARY, default .build/debug/masker)
"""

import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Callers, MixedTurns, Server, check  # noqa: E402

ROUNDS = int(os.environ.get("KILL9_ROUNDS", "3"))
LOAD_SECONDS = float(os.environ.get("KILL9_LOAD_SECONDS", "2.5"))


def main():
    data = tempfile.mkdtemp(prefix="masker-kill9-")
    server = Server(data).start()
    token = server.token()
    agent = server.agent(token)
    turns = MixedTurns(server, token, agent)
    statuses = {}
    for round_number in range(1, ROUNDS + 1):
        callers = Callers(8, turns).start()
        time.sleep(LOAD_SECONDS)
        server.kill9()
        outcomes = callers.stop()
        for outcome in outcomes:
            statuses[outcome["status"]] = statuses.get(outcome["status"], 0) + 1
        answered = sum(1 for outcome in outcomes if outcome["status"] == 200)
        print(f"round {round_number}: {len(outcomes)} turns, {answered} answered 200 before the kill", flush=True)
        server.start()
    check(not any(status >= 500 for status in statuses), f"no 5xx under load and kills (statuses {statuses}; 0 = connection cut by the kill)")

    verify = server.cli("audit", "verify", os.path.join(data, "audit.jsonl"))
    check(verify.returncode == 0, f"masker audit verify holds after {ROUNDS} kills: {verify.stdout.strip() or verify.stderr.strip()}")

    checked, lost = turns.unrestored()
    check(checked and lost == 0, f"every token answered before a kill restores ({checked} masked turns, {lost} lost)")
    server.stop()
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
