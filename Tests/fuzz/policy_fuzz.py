"""Fuzzes agent policies with atheris: any account may create an agent with its own policy
(`policy_yaml`), and its `patterns:` then run on every turn of that agent, so the policy parser,
the pattern compiler and the linear-time matcher all face whatever an account sends.

Each input becomes a policy document (a well-formed policy with random values and patterns built
from regular-expression fragments, one with YAML's own tricks, or raw text), sent to a running
`masker serve` as a new agent; when the agent is created, a turn goes through it. What must hold:
- the agent is answered 201 or 422 (the policy's problems listed), within 5 s; never a 5xx;
- the turn is answered 200, or 503 `detection_timeout` (the detection deadline), within 5 s;
- the server keeps answering.

Run by scripts/fuzz.sh (MASKER_BINARY, default .build/debug/masker):
    python policy_fuzz.py -max_total_time=30
A failing input is kept by libFuzzer as crash-<sha1>; rerun it with python policy_fuzz.py crash-<sha1>.
"""

import json
import os
import sys

import atheris

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_builder import FuzzBuilder  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "faults"))
from harness import Server, request  # noqa: E402

KINDS = ["NAME", "ADDRESS", "DOB", "DATE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE",
         "VEHICLE", "DEVICE", "URL", "IP", "OTHER_ID", "NOT_A_KIND"]
ACTIONS = ["tokenize", "redact", "passthrough", "synthesize", "drop", ""]
SCHEMES = ["vault-deterministic", "reversible-aead", "synthetic", "rot13"]
PASSES = ["regex", "gemma", "diarize", "spacy", "{gemma: {entities: [NAME]}}"]
FRAGMENTS = ["a", "b", "MRN", "-", r"\d", r"\w", r"\s", ".", "[a-z]", "[^0-9]", "[A-Z0-9]", r"\p{L}", "(", ")", "|", "*", "+", "?",
             "{2}", "{1,5}", "{1000}", "{0,}", "{99999}", "(a*)*", "(a|aa)+", "(?:x)", "(?=a)", "(?i)", r"\1", "^", "$", r"\b",
             r"\B", r"\x41", r"\u00e9", "é", "🙂", "\\", "[", "]", "{", "}", "(a+)+b", ".*.*.*=", r"(\d+)*$", "x{2,1}"]
# Fragments that compile in any order (no bare brackets, quantifiers only after an atom).
SAFE_FRAGMENTS = ["a", "b", "MRN", "-", r"\d", r"\w+", r"\s", "[a-z]", "[^0-9]", "[A-Z0-9]{2,4}", "(a|b)", "(a*)*b", "(a|aa)+",
                  "(?:x|y)", r"\d{3}", "x?", "é", "🙂", r"(\d+)*z", "(ab|a)*c", ".{1,20}"]
TEXTS = ["MRN-1234567 and ssn 536-22-1234", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "call 415-555-2671",
         "é🙂 " * 40, "ababababababababababababababababab" * 8, "x" * 3000]
YAML_TRICKS = ["&a [1, 2]", "*a", "!!binary aGVsbG8=", "? complex\n: key", "|\n  folded", "'quoted''s'", '"\\u0000"', "~", "null",
               "[" * 50, "{a: {b: {c: {d: {e: 1}}}}}", "- - - -", "0x1F", ".inf", "2001-12-14t21:59:43.10-05:00"]

SERVER = None
TOKEN = None
COUNTER = [0]


class Builder(FuzzBuilder):
    def usually(self, valid, others):
        """The valid value four times in five: enough policies pass validation for their patterns to run."""
        return valid if self.chance(80) else self.pick(others)

    def pattern(self):
        # Mostly fragments that compile, so the matcher runs; sometimes anything, for the compiler.
        fragments = SAFE_FRAGMENTS if self.chance(70) else FRAGMENTS
        return "".join(self.pick(fragments) for _ in range(self.fdp.ConsumeIntInRange(1, 12)))

    def scalar(self):
        choice = self.fdp.ConsumeIntInRange(0, 5)
        if choice == 0:
            return str(self.fdp.ConsumeIntInRange(-5, 100))
        if choice == 1:
            return self.pick(["true", "false", "yes", "0.5", "1.5", "-0.1"])
        if choice == 2:
            return self.pick(YAML_TRICKS)
        return json.dumps(self.fdp.ConsumeUnicodeNoSurrogates(self.fdp.ConsumeIntInRange(0, 30)), ensure_ascii=False)

    def entity(self, kind):
        lines = [f"  {self.usually(kind, KINDS)}:"]
        if self.chance(70):
            lines.append(f"    enabled: {self.usually('true', ['false', self.scalar()])}")
        if self.chance(60):
            lines.append(f"    regex: {self.pick(['true', 'false'])}")
        if self.chance(40):
            lines.append(f"    ner: {self.pick(['true', 'false'])}")
        if self.chance(50):
            lines.append(f"    confidence_threshold: {self.usually('0.5', ['0.9', '2', '-1', self.scalar()])}")
        if self.chance(50):
            lines.append(f"    action: {self.usually('tokenize', ACTIONS)}")
        if self.chance(80):
            patterns = [json.dumps(self.pattern(), ensure_ascii=False) for _ in range(self.fdp.ConsumeIntInRange(0, 4))]
            lines.append(f"    patterns: [{', '.join(patterns)}]")
        return lines

    def policy(self):
        kind = self.fdp.ConsumeIntInRange(0, 19)
        if kind == 0:
            return self.fdp.ConsumeUnicodeNoSurrogates(self.fdp.ConsumeIntInRange(0, 400))
        lines = []
        if self.chance(95):
            lines.append(f"name: {self.usually('fuzz', ['x' * 300, self.scalar()])}")
        if self.chance(95):
            lines.append(f"version: {self.usually('1', ['2', self.scalar()])}")
        if self.chance(95):
            lines.append(f"kid: {self.usually('K_HEALTHCARE', ['K_OTHER', self.scalar()])}")
        if self.chance(95):
            lines.append(f"tokenization: {self.usually('reversible-aead', SCHEMES)}")
        if self.chance(30):
            lines.append(f"scope: {self.pick(['session', 'global', 'account', self.scalar()])}")
        if self.chance(95):
            lines.append("passes:")
            passes = ["regex"] if self.chance(70) else [self.pick(PASSES) for _ in range(self.fdp.ConsumeIntInRange(0, 3))]
            lines += [f"  - {name}" for name in passes]
        if self.chance(10):
            lines.append(f"allow: [{', '.join(json.dumps(self.pattern(), ensure_ascii=False) for _ in range(self.fdp.ConsumeIntInRange(0, 3)))}]")
        if self.chance(10):
            lines.append(f"{self.pick(['unknown_key', 'synthetic', 'audit', 'epsilon'])}: {self.scalar()}")
        lines.append("entities:")
        kinds = [self.pick(KINDS[:-1]) for _ in range(self.fdp.ConsumeIntInRange(0 if self.chance(10) else 1, 4))]
        for kind in (dict.fromkeys(kinds) if self.chance(80) else kinds):  # now and then a kind twice
            lines += self.entity(kind)
        if kind == 1 and lines:  # YAML's own tricks, and broken indentation, somewhere in it
            at = self.fdp.ConsumeIntInRange(0, len(lines) - 1)
            lines[at] = " " * self.fdp.ConsumeIntInRange(0, 5) + lines[at] + " " + self.pick(YAML_TRICKS)
        return "\n".join(lines) + "\n"


def test_one_input(data):
    builder = Builder(data)
    yaml = builder.policy()
    text = builder.pick(TEXTS)
    COUNTER[0] += 1
    name = f"fuzz-{COUNTER[0]}"
    status, body, seconds = request(SERVER.base + "/api/v1/agents", {"name": name, "upstream": "stub", "policy_yaml": yaml},
                                    token=TOKEN, timeout=30)
    if status not in (201, 422) or seconds > 5:
        raise AssertionError(f"creating an agent answered {status} in {seconds:.1f} s: {body}\npolicy:\n{yaml}")
    if status != 201:
        return
    agent = body["id"]
    status, body, seconds = request(f"{SERVER.base}/proxy/{agent}/v1/chat/completions",
                                    {"messages": [{"role": "user", "content": text}]}, timeout=30)
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    if not (status == 200 or (status == 503 and code == "detection_timeout")) or seconds > 5:
        raise AssertionError(f"a turn answered {status} ({code}) in {seconds:.1f} s\npolicy:\n{yaml}\ntext: {text!r}")
    status, _, _ = request(f"{SERVER.base}/api/v1/agents/{agent}", None, token=TOKEN, method="DELETE")
    if status not in (200, 204):
        raise AssertionError(f"deleting the agent answered {status}")


def main():
    global SERVER, TOKEN
    import tempfile
    SERVER = Server(tempfile.mkdtemp(prefix="masker-policy-fuzz-"), {"MASKER_LOG_LEVEL": "error"}).start()
    TOKEN = SERVER.token()
    # Coverage of the builder's branches guides the fuzzer toward policy shapes not tried yet (the
    # server is Swift, not instrumented; the builder's coverage is the guide, as in the proxy fuzz).
    for function in [test_one_input] + [member for member in vars(Builder).values() if callable(member)]:
        atheris.instrument_func(function)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
