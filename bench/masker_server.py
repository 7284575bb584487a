"""A `masker serve` for a bench script: dev mode in a scratch data directory, on free loopback
ports (the API's and Retell's), with one agent. Used by bench/front-doors.py and
bench/retell-latency.py.

    with MaskerServer(binary, upstream="stub", env={...}) as server:
        server.api_port, server.retell_port, server.agent
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MaskerServer:
    def __init__(self, binary, upstream="stub", env=None):
        self.binary, self.upstream, self.extra = binary, upstream, env or {}
        self.api_port, self.retell_port = free_port(), free_port()
        self.process = None
        self.agent = None

    def __enter__(self):
        env = dict(os.environ, MASKER_DEV="1", MASKER_DATA_DIR=tempfile.mkdtemp(), MASKER_LISTEN_ADDR=f"127.0.0.1:{self.api_port}",
                   MASKER_RETELL_LISTEN_ADDR=f"127.0.0.1:{self.retell_port}", MASKER_LOG_LEVEL="warning",
                   MASKER_RATE_LIMIT_PER_MINUTE="0", **self.extra)
        self.process = subprocess.Popen([self.binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/health", timeout=1)
                    break
                except Exception:
                    time.sleep(0.1)
            token = subprocess.run([self.binary, "admin", "token"], env=env, capture_output=True, text=True,
                                   check=True).stdout.strip().splitlines()[-1]
            request = urllib.request.Request(f"http://127.0.0.1:{self.api_port}/api/v1/agents", method="POST",
                                             data=json.dumps({"name": "bench", "upstream": self.upstream}).encode(),
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            self.agent = json.load(urllib.request.urlopen(request))["id"]
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()
        return False
