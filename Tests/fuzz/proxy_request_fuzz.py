"""Fuzzes the proxy's trust boundary with atheris: random chat-completions and Responses API requests
built from OpenAI's schemas (and Vapi's and ElevenLabs' additions, and fields nobody knows), with known PHI
values put anywhere (prose, data values, keys, numbers, identifiers, structural words, wrong
shapes), sent through a running `masker serve` to a recording upstream.

What must hold for every input:
- 200: none of the PHI values reached the upstream (raw, or as JSON escapes them);
- 400 (or 422 for a model other than the agent's): refused before anything reached the upstream;
- anything else (a 5xx above all) is a failure, and so is a server that stops answering.

Run by scripts/fuzz.sh (which builds nothing: it uses MASKER_BINARY, default .build/debug/masker):
    python proxy_request_fuzz.py -max_total_time=60
A failing input is written by libFuzzer as crash-<sha1> in the working directory; rerun it with
    python proxy_request_fuzz.py crash-<sha1>
"""

import atexit
import ctypes
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import atheris

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_builder import FuzzBuilder  # noqa: E402

# Values Masker finds wherever they stand, alone or in a sentence (checked by the Swift suite too).
PHI = ["415-555-2671", "(212) 555-0143", "sarah.chen@gmail.com", "536-22-1234", "+1 415 555 2671", "192.168.14.22",
       "1HGCM82633A004352", "https://portal.example.org/patients/4829173"]
# Values found through their key (the key is context): (key, value) pairs.
KEYED = [("mrn", "4829173"), ("dob", "1990-04-12"), ("member_id", "XJH123456789"), ("dateOfBirth", "04/12/1990"),
         ("patient_name", "Oluwaseun Adeyemi"), ("callbackNumber", "7345551180"), ("ssn", "536221234"), ("city", "Bhopal")]
NUMBERS = [("phone", 4155552671), ("mrn", 4829173), ("zip", 94110)]
SECRET = [value for value in PHI] + [value for _, value in KEYED] + [str(value) for _, value in NUMBERS]
WORDS = ["hello", "appointment", "refill", "tomorrow", "thanks", "the", "clinic", "auto", "user", "text", "function", "none"]
CONTEXTS = ["my number is {}", "email me at {}", "call {} please", "{}", "ssn {} ok", "it is {}."]
TOP_FIELDS = ["model", "messages", "stream", "temperature", "top_p", "n", "max_tokens", "max_completion_tokens", "stop", "user",
              "safety_identifier", "prompt_cache_key", "metadata", "response_format", "tools", "tool_choice", "functions",
              "function_call", "stream_options", "service_tier", "reasoning_effort", "modalities", "audio", "prediction",
              "web_search_options", "logit_bias", "seed", "logprobs", "top_logprobs", "parallel_tool_calls", "store",
              "call", "customer", "phoneNumber", "assistantOverrides", "elevenlabs_extra_body", "x_extra"]
RESPONSES_FIELDS = ["model", "input", "instructions", "tools", "tool_choice", "previous_response_id", "stream", "store", "temperature",
                    "max_output_tokens", "metadata", "user", "safety_identifier", "text", "reasoning", "truncation", "include",
                    "prompt", "x_extra"]
MODEL = "fake-model"


class Recorder(http.server.BaseHTTPRequestHandler):
    """The upstream: records every body and answers a minimal completion (or stream)."""
    bodies = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with Recorder.lock:
            Recorder.bodies.append(body.decode("utf-8", "replace"))
        try:
            stream = json.loads(body).get("stream") is True
        except ValueError:
            stream = False
        if stream:
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": MODEL,
                     "choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]}
            data = ("data: " + json.dumps(chunk) + "\n\ndata: [DONE]\n\n").encode()
            kind = "text/event-stream"
        else:
            data = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": MODEL,
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"},
                                            "finish_reason": "stop"}]}).encode()
            kind = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start():
    """The recorder, a server in a scratch data directory, an agent; returns the proxy URL."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    binary = os.environ.get("MASKER_BINARY", ".build/debug/masker")
    data = tempfile.mkdtemp(prefix="masker-fuzz-")
    port = free_port()
    env = dict(os.environ, MASKER_DEV="1", MASKER_DATA_DIR=data, MASKER_LISTEN_ADDR=f"127.0.0.1:{port}",
               MASKER_OPENAI_BASE_URL=f"http://127.0.0.1:{upstream.server_address[1]}/v1",
               MASKER_RATE_LIMIT_PER_MINUTE="0", MASKER_LOG_LEVEL="error")
    # libFuzzer ends the process without running atexit handlers: the server is told by the
    # kernel to stop when this process goes (PR_SET_PDEATHSIG), however it ends.
    def die_with_parent():
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    server = subprocess.Popen([binary, "serve", "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=die_with_parent)
    atexit.register(server.kill)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    token = subprocess.run([binary, "admin", "token", "--quiet"], env=env, capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1]
    request = urllib.request.Request(base + "/api/v1/agents", method="POST",
                                     data=json.dumps({"name": "fuzz", "upstream": "openai:" + MODEL}).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    agent = json.load(urllib.request.urlopen(request))["id"]
    return f"{base}/proxy/{agent}/v1/chat/completions", server


class Builder(FuzzBuilder):
    """Random JSON from the fuzzer's bytes, shaped like the schema, PHI put anywhere."""

    def prose(self):
        if self.chance(60):
            return self.pick(CONTEXTS).format(self.pick(PHI))
        return " ".join(self.pick(WORDS) for _ in range(self.fdp.ConsumeIntInRange(1, 4)))

    def data(self, depth=0):
        choice = self.fdp.ConsumeIntInRange(0, 9)
        if depth > 3 or choice < 3:
            return self.prose()
        if choice == 3:
            return self.fdp.ConsumeIntInRange(-5, 100000)
        if choice == 4:
            return self.pick([True, False, None, 4155552671, 1.5])
        if choice in (5, 6):
            return [self.data(depth + 1) for _ in range(self.fdp.ConsumeIntInRange(0, 3))]
        members = {}
        for _ in range(self.fdp.ConsumeIntInRange(0, 4)):
            kind = self.fdp.ConsumeIntInRange(0, 3)
            if kind == 0:
                key, value = self.pick(KEYED)
                members[key] = value
            elif kind == 1:
                key, value = self.pick(NUMBERS)
                members[key] = value
            elif kind == 2:
                members[self.pick(PHI[2:3] + WORDS)] = self.data(depth + 1)  # an email as a key, or a word
            else:
                members[self.pick(WORDS)] = self.data(depth + 1)
        return members

    def content(self):
        if self.chance(60):
            return self.prose()
        parts = []
        for _ in range(self.fdp.ConsumeIntInRange(1, 3)):
            kind = self.pick(["text", "input_text", "refusal", "image_url", "file", "untyped", "unknown"])
            if kind in ("text", "input_text"):
                parts.append({"type": kind, "text": self.prose()})
            elif kind == "refusal":
                parts.append({"type": "refusal", "refusal": self.prose()})
            elif kind == "image_url":
                parts.append({"type": "image_url", "image_url": {"url": "https://cdn.example.org/a.png?phone=4155552671&email=" +
                                                                        "sarah.chen%40gmail.com"}})
            elif kind == "file":
                parts.append({"type": "file", "file": {"file_id": "file_8fK2mQ9xLp3Rt7Vw1Yz4", "filename": "sarah.chen@gmail.com.pdf"}})
            elif kind == "untyped":
                parts.append({"text": self.prose()})
            else:
                parts.append({"type": "x_" + self.pick(WORDS), "payload": self.data()})
        return parts

    def message(self):
        role = self.pick(["system", "developer", "user", "assistant", "tool"])
        message = {"role": role, "content": self.content()}
        if self.chance(20):
            message["name"] = self.pick(["Oluwaseun Adeyemi", "front_desk", PHI[2]])
        if role == "assistant" and self.chance(40):
            message["tool_calls"] = [{"id": "call_8fK2mQ9xLp3Rt7Vw1Yz4", "type": "function",
                                      "function": {"name": "lookup", "arguments": json.dumps(self.data())}}]
            if self.chance(30):
                message["reasoning_content"] = self.prose()
        if role == "tool":
            message["tool_call_id"] = "call_8fK2mQ9xLp3Rt7Vw1Yz4"
            if self.chance(50):
                message["content"] = json.dumps(self.data())
        if self.chance(10):
            message["x_" + self.pick(WORDS)] = self.data()
        return message

    def schema(self, depth=0):
        if depth > 2 or self.chance(30):
            return {"type": "string", "description": self.prose()}
        properties, required = {}, []
        for _ in range(self.fdp.ConsumeIntInRange(0, 3)):
            name = self.pick(["callback", "dob", "note", PHI[2], "status"])
            spec = self.schema(depth + 1)
            for keyword in ("enum", "default", "examples", "const", "title"):
                if self.chance(20):
                    spec[keyword] = [self.prose()] if keyword in ("enum", "examples") else self.prose()
            properties[name] = spec
            if self.chance(50):
                required.append(name)
        return {"type": "object", "properties": properties, "required": required}

    def field(self, name):
        """A value for a top-level field: usually its documented shape, sometimes anything."""
        if self.chance(8):
            return self.data()  # the wrong shape (or PHI in a structural field): must be refused or masked
        if name == "messages":
            return [self.message() for _ in range(self.fdp.ConsumeIntInRange(1, 4))]
        if name == "model":
            return MODEL
        if name in ("stream", "logprobs", "parallel_tool_calls", "store"):
            return self.chance(50)
        if name in ("temperature", "top_p"):
            return 0.5
        if name in ("n", "max_tokens", "max_completion_tokens", "seed", "top_logprobs"):
            return self.fdp.ConsumeIntInRange(1, 100)
        if name == "stop":
            return [self.prose()] if self.chance(50) else self.prose()
        if name in ("user", "safety_identifier", "prompt_cache_key"):
            return self.prose()
        if name == "tools":
            return [{"type": "function", "function": {"name": "book_appointment", "description": self.prose(),
                                                      "parameters": self.schema()}}]
        if name == "functions":
            return [{"name": "book", "description": self.prose(), "parameters": self.schema()}]
        if name == "tool_choice":
            return self.pick(["auto", "none", "required", {"type": "function", "function": {"name": "book_appointment"}}])
        if name == "function_call":
            return self.pick(["auto", "none", {"name": "book"}])
        if name == "response_format":
            return {"type": "json_schema", "json_schema": {"name": "visit", "description": self.prose(), "schema": self.schema()}}
        if name == "prediction":
            return {"type": "content", "content": self.prose()}
        if name == "web_search_options":
            return {"search_context_size": "low", "user_location": {"type": "approximate", "approximate": {"city": "Bhopal"}}}
        if name == "stream_options":
            return {"include_usage": True}
        if name in ("service_tier", "reasoning_effort"):
            return self.pick(["auto", "low", "default"])
        if name == "modalities":
            return ["text"]
        if name == "audio":
            return {"voice": "alloy", "format": "wav"}
        if name == "logit_bias":
            return {"50256": -100}
        return self.data()

    def item(self):
        """One Responses input item: a message, a function call or its output, a reasoning summary, or an unknown item."""
        kind = self.pick(["message", "message", "function_call", "function_call_output", "reasoning", "unknown"])
        if kind == "message":
            return {"type": "message", "role": self.pick(["user", "assistant", "system", "developer"]), "content": self.content()}
        if kind == "function_call":
            return {"type": "function_call", "call_id": "call_8fK2mQ9xLp3Rt7Vw1Yz4", "name": "lookup", "arguments": json.dumps(self.data())}
        if kind == "function_call_output":
            return {"type": "function_call_output", "call_id": "call_8fK2mQ9xLp3Rt7Vw1Yz4",
                    "output": json.dumps(self.data()) if self.chance(50) else self.prose()}
        if kind == "reasoning":
            return {"type": "reasoning", "id": "rs_8fK2mQ9xLp3Rt7Vw1Yz4", "summary": [{"type": "summary_text", "text": self.prose()}]}
        return {"type": "x_" + self.pick(WORDS), "payload": self.data()}

    def responses_field(self, name):
        """A value for a Responses request's top-level field: usually its documented shape, sometimes anything."""
        if self.chance(8):
            return self.data()
        if name == "input":
            return self.prose() if self.chance(30) else [self.item() for _ in range(self.fdp.ConsumeIntInRange(1, 4))]
        if name in ("instructions", "user", "safety_identifier"):
            return self.prose()
        if name == "tools":
            return [{"type": "function", "name": "book_appointment", "description": self.prose(), "parameters": self.schema()}]
        if name == "text":
            return {"format": {"type": "json_schema", "name": "visit", "description": self.prose(), "schema": self.schema()}}
        if name == "prompt":
            return {"id": "pmpt_8fK2mQ9xLp3Rt7Vw1Yz4", "variables": self.data()}
        if name == "previous_response_id":
            return "resp_8fK2mQ9xLp3Rt7Vw1Yz4"
        if name == "tool_choice":
            return self.pick(["auto", "none", {"type": "function", "name": "book_appointment"}])
        if name == "reasoning":
            return {"effort": "low"}
        if name == "include":
            return ["reasoning.encrypted_content"]
        if name == "truncation":
            return "auto"
        if name in ("max_output_tokens",):
            return self.fdp.ConsumeIntInRange(1, 100)
        return self.field(name)

    def fields(self, required, names, make):
        """A request body: its required member, then up to six more picked from `names`."""
        fields = {required: make(required)}
        for _ in range(self.fdp.ConsumeIntInRange(0, 6)):
            name = self.pick(names)
            fields[name] = make(name)
        return fields

    def responses_request(self):
        return self.fields("input", RESPONSES_FIELDS, self.responses_field)

    def request(self):
        return self.fields("messages", TOP_FIELDS, self.field)


def leaked(sent):
    escaped = [json.dumps(value)[1:-1] for value in SECRET]
    return [value for value, quoted in zip(SECRET, escaped) if value in sent or quoted in sent]


PROXY = None


def test_one_input(data):
    builder = Builder(data)
    # Half the inputs go to the Responses API's front door.
    responses = builder.chance(50)
    request = builder.responses_request() if responses else builder.request()
    url = PROXY.replace("/chat/completions", "/responses") if responses else PROXY
    with Recorder.lock:
        before = len(Recorder.bodies)
    body = json.dumps(request).encode()
    http_request = urllib.request.Request(url, data=body, method="POST",
                                          headers={"Content-Type": "application/json", "Masker-Session-Id": "call-fuzz-1"})
    try:
        with urllib.request.urlopen(http_request, timeout=30) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as error:
        status = error.code
        error.read()
    with Recorder.lock:
        sent = "".join(Recorder.bodies[before:])
    if status == 200:
        found = leaked(sent)
        if found:
            raise AssertionError(f"PHI reached the upstream: {found}\nrequest: {body.decode()}")
    elif status in (400, 422):  # refused: a wrong shape, or a model other than the agent's
        if sent:
            raise AssertionError(f"a refused request reached the upstream\nrequest: {body.decode()}")
    else:
        raise AssertionError(f"HTTP {status} for\n{body.decode()}")


def main():
    global PROXY
    PROXY, _ = start()
    # Coverage of the builder's branches guides the fuzzer toward request shapes not tried yet.
    for function in [test_one_input] + [member for member in vars(Builder).values() if callable(member)]:
        atheris.instrument_func(function)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
