#!/usr/bin/env python3
"""The portal's pages with 10,000 sessions stored (issue 41: every page answers in <= 50 ms server
time). Starts `masker serve` on a scratch data directory, records N proxied calls (one turn each,
through the `stub` upstream, spread over two agents), logs a user in, then times each page R times
from loopback and prints the median and the worst. Loopback adds well under a millisecond, so the
figures are server time to that precision.

    python3 bench/portal-pages.py [--sessions 10000] [--rounds 20]      (MASKER_BINARY, default the release build)

`/audit?entity=SSN` is the events table's worst case: a filter nothing matches, so the page reads
its limit of 20,000 records from the log's end.

Standard library only (Tests/faults/harness.py starts the server).
"""
import argparse
import http.cookiejar
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "faults"))
os.environ.setdefault("MASKER_BINARY", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "masker"))
import harness  # noqa: E402

PASSWORD = "correct horse battery staple"


def record_calls(server, agents, count, threads=16):
    """`count` calls of one turn each, spread over the agents, from `threads` callers at once."""
    done = [0]
    lock = threading.Lock()

    def caller(index):
        while True:
            with lock:
                if done[0] >= count:
                    return
                number = done[0]
                done[0] += 1
            agent = agents[number % len(agents)]
            body = {"model": "m", "messages": [{"role": "user", "content": f"my number is 415-555-{number % 10000:04d}, I'm Sarah"}]}
            status, _, _ = harness.request(f"{server.base}/proxy/{agent}/v1/chat/completions", body,
                                           headers={"Masker-Session-Id": f"call-{number}"})
            if status != 200:
                harness.fail(f"a proxied call answered {status}")

    workers = [threading.Thread(target=caller, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="masker-portal-")
    server = harness.Server(data).start()
    try:
        token = server.token()
        agents = [server.agent(token, "desk"), server.agent(token, "line")]
        started = time.time()
        record_calls(server, agents, args.sessions)
        print(f"recorded {args.sessions} calls in {time.time() - started:.1f} s")
        time.sleep(2)  # the recorder writes session counts in the background
        created = harness.subprocess.run([harness.BINARY, "users", "create", "alice", "--password-stdin"], env=server.env,
                                         input=PASSWORD + "\n", capture_output=True, text=True)
        if created.returncode != 0:
            harness.fail("masker users create failed: " + created.stderr.strip())
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(server.base + "/login").read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        opener.open(server.base + "/login", urllib.parse.urlencode(
            {"csrf_token": csrf, "username": "alice", "password": PASSWORD}).encode()).read()
        listing = opener.open(server.base + "/sessions?since=all").read().decode()
        session = re.search(r'href="/sessions/(sess_[^"]+)"', listing).group(1)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', listing).group(1)
        # Making a report reads the whole log (its chain verified): timed once, apart from pages.
        begun = time.perf_counter()
        made = opener.open(server.base + "/reports", urllib.parse.urlencode({"csrf_token": csrf, "scope": "window", "since": "day"}).encode())
        report = urllib.parse.urlparse(made.geturl()).path
        made.read()
        print(f"made a report over the whole log in {(time.perf_counter() - begun) * 1000:.0f} ms ({report})")
        pages = ["/", "/agents", f"/agents/{agents[0]}", "/sessions?since=all", "/sessions?since=all&kind=PHONE",
                 f"/sessions/{session}", "/settings", "/policy", "/playground", "/audit",
                 "/audit?entity=SSN", "/reports", report, report + "/print"]
        print(f"{'page':<40} {'median ms':>10} {'worst ms':>10}")
        for page in pages:
            times = []
            for _ in range(args.rounds):
                begun = time.perf_counter()
                answer = opener.open(server.base + page)
                answer.read()
                times.append((time.perf_counter() - begun) * 1000)
                if answer.status != 200:
                    harness.fail(f"{page} answered {answer.status}")
            print(f"{page:<40} {statistics.median(times):10.2f} {max(times):10.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
