"""Does one account's costly policy slow another account's turns? (issue 38)

Account A's callers send ordinary turns through an agent on the stub model; account B's agent
carries a policy whose patterns are as costly as validation allows, and B's callers send it long
turns back to back. A's latency is measured alone, then while B floods. Run it against two builds
to compare (MASKER_BINARY); the machine's cores are shared by everything here, so read the
figures side by side, not as absolutes.

Usage: python3 bench/policy-isolation.py [seconds per phase, default 15]
"""

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "faults"))
from harness import Callers, Server, phi_text, request  # noqa: E402

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 15
ALTERNATIVES = "|".join(f"x{n}y" for n in range(60))
COSTLY = f"""name: costly
version: 1
kid: K_HEALTHCARE
tokenization: reversible-aead
passes: [regex]
entities:
  MRN:
    patterns: ['({ALTERNATIVES})+z', '(a|b|c|d|e|f|g|h)+q({ALTERNATIVES})']
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def main():
    server = Server(tempfile.mkdtemp(prefix="masker-isolation-")).start()
    token_a = server.token()
    token_b = server.cli("admin", "token", "--quiet", "--account", "other-clinic").stdout.strip().splitlines()[-1]
    agent_a = server.agent(token_a, name="ordinary")
    status, body, _ = request(server.base + "/api/v1/agents", {"name": "costly", "upstream": "stub", "policy_yaml": COSTLY},
                              token=token_b)
    assert status == 201, body
    agent_b = body["id"]
    long_text = "abcdefgh x1y x2y " * 12_000

    def ordinary(rng, label):
        text, _ = phi_text(rng)
        status, _, seconds = request(f"{server.base}/proxy/{agent_a}/v1/chat/completions",
                                     {"messages": [{"role": "user", "content": text}]}, headers={"Masker-Session-Id": str(uuid.uuid4())})
        return {"status": status, "seconds": seconds}

    def costly(rng, label):
        # A different text every time: a text seen before is answered from the detection cache.
        text = f"{rng.random()} {long_text}"
        status, body, seconds = request(f"{server.base}/proxy/{agent_b}/v1/chat/completions",
                                        {"messages": [{"role": "user", "content": text}]}, timeout=120)
        return {"status": status, "seconds": seconds}

    def phase(flood):
        flooders = Callers(8, costly).start() if flood else None
        if flood:
            time.sleep(1)
        callers = Callers(4, ordinary).start()
        time.sleep(SECONDS)
        outcomes = callers.stop()
        flooded = flooders.stop() if flooders else []
        times = [o["seconds"] for o in outcomes if o["status"] == 200]
        return times, flooded

    alone, _ = phase(False)
    shared, flooded = phase(True)
    server.stop()
    print(f"binary: {os.environ.get('MASKER_BINARY', '.build/debug/masker')}")
    for name, times in (("alone", alone), ("while B floods", shared)):
        print(f"account A {name:>15}: {len(times) / SECONDS:7.0f} turns/s, p50 {percentile(times, 0.5):8.2f} ms, "
              f"p99 {percentile(times, 0.99):8.2f} ms")
    codes = {}
    for outcome in flooded:
        codes[outcome["status"]] = codes.get(outcome["status"], 0) + 1
    spent = [o["seconds"] for o in flooded]
    print(f"account B's costly turns: {codes}, median {statistics.median(spent) if spent else 0:.2f} s each")


if __name__ == "__main__":
    main()
