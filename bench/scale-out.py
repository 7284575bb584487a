"""Stateless replicas behind a load balancer (SPEC section 10; issue 43), run by scripts/scale-out.sh.

Three `masker serve` replicas share one PostgreSQL database (vault, server records and the audit
chain, in a throwaway schema) and each has a scratch data directory of its own, as a pod's disk
would be. nginx balances them round robin with no stickiness, so one call's turns land on
different replicas. Then:

1. scale: for 1, 2 and 3 replicas behind nginx, wrk's 100 connections send turns back to back
   (bench/load/chat.lua: a new phone number and SSN each time) to the `stub` upstream for SECONDS:
   throughput, latency p50/p99 and the replicas' CPU per turn (from /proc).
2. correctness: 100 callers, each a call of several turns (a new phone number and SSN per turn, the
   call's id in Masker-Session-Id), paced ~100 ms apart, for SECONDS; a third of the way in one
   replica is killed with SIGKILL. A turn cut off by the kill (nginx's 502) is said again, as a
   voice platform retries. Checked afterwards: every answer exact (the stub repeats the caller's
   words, so the restored answer holds both values and no token or redaction marker); one audit
   chain, `masker audit verify` holding, exported and checked offline; every answered turn's two
   redaction and two rehydration events in it under its call; tokens minted on each replica
   (before the kill, on the killed one too) restored exactly by every surviving replica.

Prints one JSON object per phase and a summary; exits 1 if any check fails.

Usage: python3 bench/scale-out.py MASKER_BINARY DATABASE_URL [SECONDS, default 15] [CALLERS, default 100]
"""
import base64
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BINARY, DATABASE = sys.argv[1], sys.argv[2]
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 15
CALLERS = int(sys.argv[4]) if len(sys.argv) > 4 else 100
NGINX = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "nginx"
SCRATCH = tempfile.mkdtemp(prefix="masker-scale-")
SCHEMA = f"scale_{random.getrandbits(32)}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def key():
    return base64.b64encode(os.urandom(32)).decode()


# One set of keys for every replica: a token minted on one must open on the others, and every
# replica must chain the audit log under the same key.
ENV = dict(os.environ, MASKER_DATABASE_URL=f"{DATABASE}{'&' if '?' in DATABASE else '?'}schema={SCHEMA}",
           MASKER_KEY_K_HEALTHCARE=key(), MASKER_AUDIT_HMAC_KEY=key(), MASKER_REPORT_SIGNING_KEY=key(),
           MASKER_LOG_LEVEL="warning", MASKER_RATE_LIMIT_PER_MINUTE="0", MASKER_MAX_CONNECTIONS_PER_ADDRESS="4096")
ENV.pop("MASKER_DEV", None)
ENV.pop("MASKER_AUDIT_STORE", None)  # the default with a database: the chain in PostgreSQL


class Replica:
    def __init__(self, number):
        self.number, self.port = number, free_port()
        self.data = os.path.join(SCRATCH, f"replica{number}")
        os.makedirs(self.data)
        env = dict(ENV, MASKER_DATA_DIR=self.data, MASKER_LISTEN_ADDR=f"127.0.0.1:{self.port}",
                   MASKER_RETELL_LISTEN_ADDR=f"127.0.0.1:{free_port()}")
        self.log = open(os.path.join(self.data, "serve.log"), "w")
        self.process = subprocess.Popen([BINARY, "serve"], env=env, stdout=self.log, stderr=self.log)
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1)
                return
            except Exception:
                if self.process.poll() is not None:
                    raise SystemExit(f"replica {number} exited: see {self.log.name}")
                time.sleep(0.1)
        raise SystemExit(f"replica {number} did not answer /health")

    def cpu_seconds(self):
        fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Balancer:
    """nginx, round robin over the given replicas; a replica that refuses connections is skipped
    (a request not yet sent to it goes to the next), an answer already under way is not retried."""

    def __init__(self):
        self.port, self.process = free_port(), None
        self.directory = os.path.join(SCRATCH, "nginx")
        os.makedirs(self.directory, exist_ok=True)

    def start(self, replicas):
        self.stop()
        servers = "\n".join(f"    server 127.0.0.1:{r.port} max_fails=1 fail_timeout=2s;" for r in replicas)
        conf = os.path.join(self.directory, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off;
worker_processes 1;
pid {self.directory}/nginx.pid;
error_log {self.directory}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_buffer_size 64k;
  client_body_temp_path {self.directory}/body;
  proxy_temp_path {self.directory}/proxy;
  upstream masker {{
{servers}
    keepalive 256;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://masker;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout;
      proxy_read_timeout 30s;
    }}
  }}
}}
""")
        self.process = subprocess.Popen([NGINX, "-c", conf, "-p", self.directory], stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(self.directory, "stderr.log"), "w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not start: see " + self.directory)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def api(port, method, path, body=None, token=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def masker(*arguments):
    return subprocess.run([BINARY, *arguments], env=dict(ENV, MASKER_DATA_DIR=os.path.join(SCRATCH, "cli")),
                          capture_output=True, text=True)


def scale_phase(balancer, replicas, count):
    """wrk's connections back to back through nginx to the first `count` replicas."""
    balancer.start(replicas[:count])
    cpu = [r.cpu_seconds() for r in replicas[:count]]
    host = host_cpu_seconds()
    wrk = subprocess.run(["wrk", "-t2", f"-c{CALLERS}", f"-d{SECONDS}s", "--latency", "-s", "bench/load/chat.lua",
                          f"http://127.0.0.1:{balancer.port}/proxy/{AGENT}/v1/chat/completions"],
                         capture_output=True, text=True, env=dict(os.environ, LOAD_DELAY_MS="0"), check=True).stdout
    used = sum(r.cpu_seconds() for r in replicas[:count]) - sum(cpu)
    host = host_cpu_seconds() - host
    requests = int(re.search(r"(\d+) requests in", wrk).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)

    def quantile(name):
        value, unit = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)", wrk).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"phase": "scale", "replicas": count, "turns": requests, "turns_per_s": round(requests / SECONDS),
            "p50_ms": quantile("50"), "p99_ms": quantile("99"), "non_2xx": int(errors.group(1)) if errors else 0,
            "cpu_ms_per_turn": round(used * 1000 / max(requests, 1), 3),
            "host_cpu_ms_per_turn": round(host * 1000 / max(requests, 1), 3)}


def host_cpu_seconds():
    """Busy time of every CPU (user, nice, system, irq, softirq): Masker, PostgreSQL, nginx and wrk."""
    fields = [int(v) for v in open("/proc/stat").readline().split()[1:8]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


def connections():
    """Connections the database holds now (every replica's pools, after the three-replica run)."""
    result = subprocess.run(["psql", DATABASE.split("?")[0], "-tAc", "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"],
                            capture_output=True, text=True)
    return int(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip().isdigit() else None


def digits(n):
    return "".join(random.choice("0123456789") for _ in range(n))


def correctness_phase(balancer, replicas, token):
    balancer.start(replicas)
    deadline = time.monotonic() + SECONDS
    lock = threading.Lock()
    results = {"answered": 0, "inexact": [], "cut_off": 0, "other_errors": []}
    answered_by_call = {}

    def caller(number):
        call = f"scale-call-{number}"
        connection = http.client.HTTPConnection("127.0.0.1", balancer.port, timeout=30)
        answered = 0
        while time.monotonic() < deadline:
            # Valid forms (an exchange from 200, an SSN's group and serial not zero), so every turn has two values to mask.
            phone, ssn = f"415-{random.randint(200, 999)}-{digits(4)}", f"{random.randint(100, 665)}-{random.randint(10, 99)}-{random.randint(1000, 9999)}"
            body = json.dumps({"model": "masker-stub", "messages": [
                {"role": "user", "content": f"my number is {phone} and my ssn is {ssn}"}]})
            try:
                connection.request("POST", f"/proxy/{AGENT}/v1/chat/completions", body=body,
                                   headers={"Content-Type": "application/json", "Masker-Session-Id": call})
                response = connection.getresponse()
                text = response.read().decode()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", balancer.port, timeout=30)
                status, text = 0, ""
            if status == 200:
                answer = json.loads(text)["choices"][0]["message"]["content"]
                answered += 1
                if phone not in answer or ssn not in answer or "MSK" in answer or "[REDACTED" in answer:
                    with lock:
                        results["inexact"].append(call)
            elif status in (0, 502, 503, 504):
                with lock:
                    results["cut_off"] += 1  # the kill: said again as a new turn
            else:
                with lock:
                    results["other_errors"].append(status)
            time.sleep(random.uniform(0.05, 0.15))
        with lock:
            results["answered"] += answered
            answered_by_call[call] = answered

    # Tokens minted on every replica before the kill: each must open on every replica that survives.
    minted = []
    for replica in replicas:
        value = f"415-{digits(3)}-{digits(4)}"
        masked = api(replica.port, "POST", "/api/v1/mask", {"text": f"call me at {value}", "session": "scale-tokens"}, token)["masked"]
        minted.append((value, masked))
    threads = [threading.Thread(target=caller, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 3)
    victim = replicas[-1]
    victim.kill()
    for thread in threads:
        thread.join()
    survivors = [r for r in replicas if r is not victim]
    for replica in survivors:
        value = f"415-{digits(3)}-{digits(4)}"
        masked = api(replica.port, "POST", "/api/v1/mask", {"text": f"call me at {value}", "session": "scale-tokens"}, token)["masked"]
        minted.append((value, masked))
    unrestorable = 0
    for value, masked in minted:
        for replica in survivors:
            restored = api(replica.port, "POST", "/api/v1/rehydrate", {"text": masked, "session": "scale-tokens"}, token)["text"]
            unrestorable += restored != f"call me at {value}"
    return results, answered_by_call, unrestorable, len(minted) * len(survivors)


def audit_checks(answered_by_call):
    verify = masker("audit", "verify", "--json")
    verified = json.loads(verify.stdout) if verify.stdout.strip().startswith("{") else {"holds": False, "error": verify.stderr}
    exported = os.path.join(SCRATCH, "audit-export.jsonl")
    export = masker("audit", "export", exported)
    offline = json.loads(masker("audit", "verify", exported, "--json").stdout or "{}")
    counts = {}
    if os.path.exists(exported):
        for line in open(exported):
            record = json.loads(line)
            session = record.get("session_id") or ""
            if session.startswith("scale-call-"):
                entry = counts.setdefault(session, {"redaction": 0, "rehydration": 0})
                if record["kind"] in entry:
                    entry[record["kind"]] += 1
    missing = [call for call, answered in answered_by_call.items()
               if counts.get(call, {}).get("redaction", 0) < 2 * answered or counts.get(call, {}).get("rehydration", 0) < 2 * answered]
    return {"chain_holds": verified.get("holds"), "records": verified.get("records"), "export_exit": export.returncode,
            "export_holds_offline": offline.get("holds"), "export_records": offline.get("records"),
            "calls_missing_events": len(missing)}


def main():
    global AGENT
    replicas, balancer = [], Balancer()
    ok = False
    try:
        replicas = [Replica(n) for n in range(3)]
        token = masker("admin", "token").stdout.strip().splitlines()[-1]
        AGENT = api(replicas[0].port, "POST", "/api/v1/agents", {"name": "scale", "upstream": "stub"}, token)["id"]
        # The agent made on one replica is seen by the others.
        for replica in replicas[1:]:
            api(replica.port, "GET", f"/api/v1/agents/{AGENT}", token=token)
        for count in (1, 2, 3):
            print(json.dumps(scale_phase(balancer, replicas, count)), flush=True)
        print(json.dumps({"phase": "database", "connections_after_3_replicas": connections()}), flush=True)
        results, answered_by_call, unrestorable, restores = correctness_phase(balancer, replicas, token)
        audit = audit_checks(answered_by_call)
        summary = {"phase": "kill -9", "callers": CALLERS, "seconds": SECONDS, "answered": results["answered"],
                   "inexact": len(results["inexact"]), "cut_off_and_said_again": results["cut_off"],
                   "other_errors": results["other_errors"][:5], "tokens_restored": restores - unrestorable,
                   "tokens_unrestorable": unrestorable, **audit}
        print(json.dumps(summary), flush=True)
        ok = (summary["inexact"] == 0 and not results["other_errors"] and unrestorable == 0 and audit["chain_holds"] is True
              and audit["export_holds_offline"] is True and audit["calls_missing_events"] == 0 and results["answered"] > 0)
        print("scale-out: " + ("every check passed" if ok else "A CHECK FAILED") + f" (scratch: {SCRATCH})", flush=True)
    finally:
        balancer.stop()
        for replica in replicas:
            replica.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
