"""What the fault tests share: a `masker serve` in a data directory of their choosing, an API token
and an agent, and callers that send turns in threads and write down every outcome.

Standard library only, so the fault tests run wherever Python 3 does. The binary is MASKER_BINARY
(default .build/debug/masker; the scripts build nothing).
"""

import ctypes
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import uuid
import urllib.request

BINARY = os.environ.get("MASKER_BINARY", ".build/debug/masker")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fail(message):
    print("FAIL: " + message, flush=True)
    raise SystemExit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message, flush=True)


class Server:
    """One `masker serve`, restartable on the same data directory and port."""

    def __init__(self, data_dir, extra_env=None, port=None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, MASKER_DEV="1", MASKER_DATA_DIR=data_dir, MASKER_LISTEN_ADDR=f"127.0.0.1:{self.port}",
                        MASKER_RATE_LIMIT_PER_MINUTE="0", MASKER_MAX_CONNECTIONS_PER_ADDRESS="4096")
        self.env.update(extra_env or {})
        self.process = None
        self.log = open(os.path.join(data_dir, "server.log"), "ab") if os.path.isdir(data_dir) else subprocess.DEVNULL

    def start(self, wait=30):
        def die_with_parent():
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
        self.process = subprocess.Popen([BINARY, "serve"], env=self.env, stdout=self.log, stderr=self.log,
                                        preexec_fn=die_with_parent)
        deadline = time.time() + wait
        while time.time() < deadline:
            if self.process.poll() is not None:
                fail(f"masker serve exited with {self.process.returncode} at start-up; see {self.data_dir}/server.log")
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1)
                return self
            except urllib.error.HTTPError:
                return self  # answering, if degraded
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.1)
        fail("masker serve did not answer /health within %d s" % wait)

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()

    def cli(self, *args):
        return subprocess.run([BINARY, *args], env=self.env, capture_output=True, text=True)

    def token(self):
        result = self.cli("admin", "token", "--quiet")
        if result.returncode != 0:
            fail("masker admin token failed: " + result.stderr.strip())
        return result.stdout.strip().splitlines()[-1]

    def agent(self, token, name="faults", upstream="stub"):
        status, body, _ = request(self.base + "/api/v1/agents", {"name": name, "upstream": upstream}, token=token)
        if status != 201:
            fail(f"creating an agent answered {status}: {body}")
        return body["id"]

    def health(self, timeout=5):
        started = time.time()
        try:
            with urllib.request.urlopen(self.base + "/health", timeout=timeout) as answer:
                return answer.status, json.load(answer), time.time() - started
        except urllib.error.HTTPError as error:
            return error.code, json.load(error), time.time() - started


def request(url, body, token=None, headers=None, timeout=30, method="POST"):
    """Sends `body` as JSON (none when None); returns (status, parsed body or text, seconds).
    Status 0: no answer at all."""
    data = None if body is None else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json"}
    if token:
        all_headers["Authorization"] = "Bearer " + token
    all_headers.update(headers or {})
    started = time.time()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=all_headers, method=method),
                                    timeout=timeout) as answer:
            raw = answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        raw = error.read()
        status = error.code
    except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
        return 0, None, time.time() - started
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return status, parsed, time.time() - started


def phi_text(rng):
    """A turn with values the default policy masks, different every time."""
    phone = f"415-555-{rng.randint(1000, 9999)}"
    ssn = f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    return f"my phone is {phone} and my ssn is {ssn}", [phone, ssn]


class Callers:
    """`count` threads calling `turn(rng, index)` until stopped; every outcome kept with its times."""

    def __init__(self, count, turn):
        self.count = count
        self.turn = turn
        self.outcomes = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []

    def _run(self, index):
        rng = random.Random(index * 7919 + int(time.time()))
        number = 0
        while not self.stopping.is_set():
            started = time.time()
            outcome = self.turn(rng, f"{index}-{number}")
            outcome["started"] = started
            outcome["ended"] = time.time()
            with self.lock:
                self.outcomes.append(outcome)
            number += 1

    def start(self):
        for index in range(self.count):
            thread = threading.Thread(target=self._run, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)
        return self.outcomes


def error_code(body):
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"].get("code")
    return None


class MixedTurns:
    """A caller's turn for `Callers`: half through `/api/v1/mask` (each 200 kept in `minted` with its
    time, session and original, for `unrestored` to check later), half proxied through the agent
    on the built-in stub model, whose 200 must hold the caller's own words, restored."""

    def __init__(self, server, token, agent, timeout=10):
        self.server = server
        self.token = token
        self.proxy = f"{server.base}/proxy/{agent}/v1/chat/completions"
        self.timeout = timeout
        self.minted = []

    def __call__(self, rng, label):
        text, values = phi_text(rng)
        session = str(uuid.uuid4())
        if rng.random() < 0.5:
            status, body, _ = request(self.server.base + "/api/v1/mask", {"text": text, "session": session}, token=self.token,
                                      timeout=self.timeout)
            if status == 200:
                if any(value in body["masked"] for value in values):
                    fail("a /mask answer held PHI")
                self.minted.append((time.time(), session, text, body["masked"]))
            return {"kind": "mask", "status": status, "code": error_code(body)}
        status, body, _ = request(self.proxy, {"messages": [{"role": "user", "content": text}]},
                                  headers={"Masker-Session-Id": session}, timeout=self.timeout)
        if status == 200 and text not in body["choices"][0]["message"]["content"]:
            fail("a proxied answer did not restore the caller's words")
        return {"kind": "proxy", "status": status, "code": error_code(body)}

    def unrestored(self, before=None):
        """(checked, lost): the masked answers given before `before` (all when None) whose tokens no
        longer restore to their original through `/api/v1/rehydrate`."""
        checked = [m for m in self.minted if before is None or m[0] < before]
        lost = 0
        for _, session, original, masked in checked:
            status, body, _ = request(self.server.base + "/api/v1/rehydrate", {"text": masked, "session": session}, token=self.token)
            if status != 200 or body["text"] != original:
                lost += 1
        return len(checked), lost
