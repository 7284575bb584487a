"""A full disk: turns fail closed with a message that says so, `/health` tells the truth, and the
server comes back by itself once there is room again.

The data directory (vault, server database, audit log) lives on a small tmpfs this test mounts
itself, which needs root; otherwise it prints why it is skipped and exits 0. With turns answered,
the disk is filled to the last byte. Checked:
- every turn then answers 503 within 1 s (no 500, no hang), its message naming the full disk and
  what had already happened, and no PHI in any answer;
- `/health` answers 503 within 1 s, naming the failed write;
- once the filler file is deleted, `/health` is 200 again and turns succeed, with no restart;
- tokens answered before the disk filled restore, and `masker audit verify` holds.

Usage: python3 Tests/faults/disk_full.py   (MASKER_BINARY, default .build/debug/masker)
"""

import errno
import os
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, fail, phi_text, request  # noqa: E402

import random  # noqa: E402


def mount_tmpfs():
    """A 24 MiB tmpfs, or None with the reason it cannot be had."""
    if os.geteuid() != 0:
        return None, "needs root to mount a tmpfs (run as root, or in CI)"
    mount = tempfile.mkdtemp(prefix="masker-diskfull-")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", mount], capture_output=True, text=True)
    if result.returncode != 0:
        return None, "mount -t tmpfs failed: " + result.stderr.strip()
    return mount, None


def fill(path):
    """Writes until the file system refuses; returns the bytes written."""
    written = 0
    block = b"\0" * 65536
    with open(path, "wb", buffering=0) as filler:
        while True:
            try:
                written += filler.write(block)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
        # The last bytes too, a block at a time smaller.
        for size in (4096, 512, 1):
            while True:
                try:
                    written += filler.write(b"\0" * size)
                except OSError:
                    break
    return written


def main():
    mount, reason = mount_tmpfs()
    if mount is None:
        print("skipped: disk_full.py " + reason, flush=True)
        return
    server = None
    try:
        data = os.path.join(mount, "data")
        os.makedirs(data)
        server = Server(data).start()
        run(server, data, mount)
    finally:
        if server:
            server.stop()
        subprocess.run(["umount", mount])
        os.rmdir(mount)


def run(server, data, mount):
    token = server.token()
    agent = server.agent(token)
    proxy = f"{server.base}/proxy/{agent}/v1/chat/completions"
    rng = random.Random(7)

    def mask(text, session):
        return request(server.base + "/api/v1/mask", {"text": text, "session": session}, token=token, timeout=10)

    def turn(text, session):
        return request(proxy, {"messages": [{"role": "user", "content": text}]}, headers={"Masker-Session-Id": session}, timeout=10)

    minted = []
    for _ in range(20):
        text, _ = phi_text(rng)
        session = str(uuid.uuid4())
        status, body, _ = mask(text, session)
        if status != 200:
            fail(f"/mask answered {status} before the disk filled: {body}")
        minted.append((session, text, body["masked"]))
        status, body, _ = turn(text, str(uuid.uuid4()))
        if status != 200:
            fail(f"a proxied turn answered {status} before the disk filled: {body}")

    filler = os.path.join(mount, "filler")
    print(f"filled the disk with {fill(filler) // 1024} KiB", flush=True)
    answers = []
    for index in range(20):
        text, values = phi_text(rng)
        # New calls and calls already known: the server database is written on a call's first turn.
        session = str(uuid.uuid4()) if index % 2 else minted[index][0]
        for status, body, seconds in (mask(text, session), turn(text, session)):
            answers.append((status, body, seconds))
            if any(value in str(body) for value in values):
                fail("an answer on a full disk held PHI")
    statuses = sorted({status for status, _, _ in answers})
    check(statuses == [503], f"every turn on a full disk answered 503 (statuses {statuses})")
    slowest = max(seconds for _, _, seconds in answers)
    check(slowest < 1, f"each within 1 s (slowest {slowest * 1000:.0f} ms)")
    messages = sorted({(body["error"]["code"], body["error"]["message"]) for _, body, _ in answers})
    for code, message in messages:
        print(f"  {code}: {message}", flush=True)
    check(all("disk is full" in message for _, message in messages), "each message names the full disk")
    check(all(("nothing was sent" in message or "had already reached the model" in message) for _, message in messages),
          "each message says what had already happened")

    status, health, seconds = server.health()
    down = {name: part["detail"] for name, part in health["components"].items() if part["status"] != "ok"}
    check(status == 503 and seconds < 1 and down, f"/health on a full disk: {status} in {seconds * 1000:.0f} ms, down: {sorted(down)}")
    for name, detail in down.items():
        print(f"  {name}: {detail[:160]}", flush=True)

    os.remove(filler)
    status, health, seconds = server.health()
    check(status == 200, f"/health is 200 again once there is room, without a restart ({health['status']})")
    text, _ = phi_text(rng)
    recovered = [mask(text, str(uuid.uuid4()))[0], turn(text, str(uuid.uuid4()))[0]]
    check(recovered == [200, 200], f"turns succeed again ({recovered})")

    lost = sum(1 for session, original, masked in minted
               if request(server.base + "/api/v1/rehydrate", {"text": masked, "session": session}, token=token)[1].get("text") != original)
    check(lost == 0, f"tokens answered before the disk filled restore ({len(minted)} turns, {lost} lost)")
    verify = server.cli("audit", "verify", os.path.join(data, "audit.jsonl"))
    check(verify.returncode == 0, "masker audit verify holds: " + (verify.stdout.strip() or verify.stderr.strip()).splitlines()[0])


if __name__ == "__main__":
    main()
