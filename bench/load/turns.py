"""Sends the load test's turn (bench/load/chat.lua's shape: about 200 bytes, a spoken phone number and
an SSN that differ every time, so no detection or token is reused, and the same system prompt)
COUNT times, one after another on one connection, to a proxy path; exits non-zero on a non-200.
Used by bench/allocations.sh and bench/cpu-per-turn.sh.

    python3 bench/load/turns.py PORT PATH COUNT
"""
import http.client
import json
import random
import sys

port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
words = "zero one two three four five six seven eight nine".split()
connection = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(count):
    digits = " ".join(random.choice(words) for _ in range(10))
    ssn = "%03d-%02d-%04d" % (random.randint(100, 665), random.randint(1, 99), random.randint(1, 9999))
    body = json.dumps({"model": "m", "messages": [
        {"role": "system", "content": "You are a clinic's scheduling assistant."},
        {"role": "user", "content": "hi this is about my appointment, my date of birth is april twelfth nineteen ninety and my number is "
            + digits + ", ssn " + ssn}]})
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"HTTP {answer.status}")
