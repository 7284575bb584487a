"""PostgreSQL outages under load: callers hear 503 fast, and the server is back within 2 s of the
database. Two kinds, one after the other: the database stopped (connections closed, new ones
refused), and the database frozen (SIGSTOP on its processes: connections stay open and nothing
answers, as when its host hangs or a route drops packets).

A throwaway PostgreSQL cluster of its own (scripts/postgres.sh with MASKER_PG_DIR/MASKER_PG_PORT,
so the suite's cluster is untouched) holds the vault, the server database and the audit chain. Eight callers mask
text (vault writes), proxy turns and restore tokens while the database is stopped (`pg_ctl stop -m
fast`, or frozen with SIGSTOP) for five seconds and brought back. Checked each time (issue 38's
targets):
- every request sent during the outage is answered within 2.5 s, with 200 or 503 and nothing else;
  so is every request that was in flight when it began;
- `/health` answers within 1 s during the outage, 503, naming the database;
- within 2 s of the database accepting connections again, turns succeed; every request sent after
  that succeeds;
- tokens minted before the outage restore after it, and the audit chain verifies.

Usage: python3 Tests/faults/postgres_outage.py   (MASKER_BINARY, default .build/debug/masker)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from harness import Callers, MixedTurns, Server, check, fail  # noqa: E402

OUTAGE_SECONDS = 5
PG_DIR = os.environ.get("OUTAGE_PG_DIR", "/tmp/masker-pg-outage")
PG_PORT = os.environ.get("OUTAGE_PG_PORT", "54339")


def postgres(action, mode="fast"):
    env = dict(os.environ, MASKER_PG_DIR=PG_DIR, MASKER_PG_PORT=PG_PORT, MASKER_PG_STOP_MODE=mode)
    result = subprocess.run(["bash", "scripts/postgres.sh", action], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"postgres.sh {action} failed: {result.stderr.strip()}")
    return result.stdout


def postgres_processes():
    """The cluster's postmaster and its children (backends, checkpointer…), by pid."""
    with open(os.path.join(PG_DIR, "postmaster.pid")) as pidfile:
        postmaster = int(pidfile.readline())
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return [postmaster] + [int(pid) for pid in children]


def freeze():
    """The database stops answering without closing anything (a hung host, a dropped route):
    every process of the cluster is stopped with SIGSTOP, so connections stay open and silent."""
    for pid in postgres_processes():
        os.kill(pid, signal.SIGSTOP)


def thaw():
    for pid in postgres_processes():
        os.kill(pid, signal.SIGCONT)


def main():
    url = re.search(r"'(postgres://[^']+)'", postgres("start")).group(1)
    data = tempfile.mkdtemp(prefix="masker-outage-")
    server = Server(data, {"MASKER_DATABASE_URL": url}).start()
    try:
        token = server.token()
        agent = server.agent(token, name="outage-" + uuid.uuid4().hex[:8])
        turns = MixedTurns(server, token, agent, timeout=30)
        outage(server, turns, "stopped (pg_ctl stop -m fast)", lambda: postgres("stop"), lambda: postgres("start"))
        outage(server, turns, "frozen (SIGSTOP: connections open, nothing answers)", freeze, thaw)
        # The audit chain is in the database too (MASKER_AUDIT_STORE defaults to postgres with a
        # database URL): the outages must not have broken it.
        verify = server.cli("audit", "verify")
        check(verify.returncode == 0, "masker audit verify holds: " + ((verify.stdout.strip() or verify.stderr.strip()).splitlines() or ["(no output)"])[0])
    finally:
        server.stop()
        try:
            thaw()
        except (OSError, ValueError):
            pass
        postgres("stop")
        shutil.rmtree(PG_DIR, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)


def outage(server, turns, kind, begin, end):
    """Eight callers through an outage made by `begin` and ended by `end` (which returns once the
    database answers again), and the checks on what they, `/health` and the vault saw."""
    print(f"-- the database {kind} for {OUTAGE_SECONDS} s", flush=True)
    callers = Callers(8, turns).start()
    time.sleep(2)
    outage_start = time.time()
    begin()
    time.sleep(2.5)
    health_status, health, health_seconds = server.health()
    time.sleep(OUTAGE_SECONDS - 2.5)
    end()
    back = time.time()
    time.sleep(4)
    outcomes = callers.stop()

    during = [o for o in outcomes if o["ended"] > outage_start and o["started"] < back]
    slow = [o for o in during if o["ended"] - max(o["started"], outage_start) > 2.5]
    wrong = [o for o in during if o["status"] not in (200, 503)]
    check(during and not slow,
          f"every request during the outage answered within 2.5 s ({len(during)} requests, slowest "
          f"{max(o['ended'] - max(o['started'], outage_start) for o in during):.2f} s)")
    codes = sorted({o["code"] for o in during if o["status"] == 503})
    check(not wrong, f"requests during the outage answered 200 or 503 only (503 codes: {codes}; "
                     f"others: {sorted({o['status'] for o in wrong})})")
    check(health_seconds < 1 and health_status == 503,
          f"/health during the outage: {health_status} in {health_seconds * 1000:.0f} ms "
          f"(db: {health['components']['db']['detail'][:120]})")

    after = sorted((o for o in outcomes if o["started"] >= back), key=lambda o: o["started"])
    first_ok = next((o for o in after if o["status"] == 200), None)
    if first_ok is None:
        fail("no request succeeded after the database came back")
    recovery = first_ok["ended"] - back
    check(recovery <= 2, f"turns succeed {recovery:.2f} s after the database answers again")
    late = [o for o in after if o["started"] >= back + 2 and o["status"] != 200]
    check(not late, f"every request sent 2 s after the database returned succeeded ({len(late)} did not)")

    checked, lost = turns.unrestored(before=outage_start)
    check(checked and lost == 0, f"tokens minted before the outage restore after it ({checked} turns, {lost} lost)")


if __name__ == "__main__":
    main()
