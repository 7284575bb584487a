"""The same turn through each front door of one `masker serve`, alternated request by request so
the host's drift hits all alike: chat completions and the Responses API (streamed and whole, over
HTTP with keep-alive) and Retell's WebSocket (`response_required` to `content_complete`), all to the
built-in `stub` upstream, so what is timed is Masker's own work and each door's transport.

Usage: python3 bench/front-doors.py MASKER_BINARY [TURNS, default 300]
Needs websocket-client (the e2e virtualenv has it: .build/python-e2e/bin/python).
"""
import http.client
import json
import os
import random
import statistics
import sys
import time

import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from masker_server import MaskerServer  # noqa: E402


def said():
    return "hi this is about my appointment, my number is 415-555-%04d and my ssn is %03d-%02d-%04d" % (
        random.randint(0, 9999), random.randint(100, 665), random.randint(1, 99), random.randint(1, 9999))


def main():
    binary, turns = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300
    with MaskerServer(binary, upstream="stub") as server:
        api, retell, agent = server.api_port, server.retell_port, server.agent
        connection = http.client.HTTPConnection("127.0.0.1", api)
        ws = websocket.create_connection(f"ws://127.0.0.1:{retell}/retell/{agent}/call_doors_1", timeout=30)
        ws.recv(), ws.recv()
        times = {"chat_completions": [], "responses": [], "retell": [], "chat_completions_whole": [], "responses_whole": []}

        def chat(text, index, stream=True):
            body = json.dumps({"messages": [{"role": "user", "content": text}], "stream": stream})
            connection.request("POST", f"/proxy/{agent}/v1/chat/completions", body,
                               {"Content-Type": "application/json", "Masker-Session-Id": f"doors-chat-{index}"})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200

        def responses(text, index, stream=True):
            body = json.dumps({"input": text, "stream": stream})
            connection.request("POST", f"/proxy/{agent}/v1/responses", body,
                               {"Content-Type": "application/json", "Masker-Session-Id": f"doors-responses-{index}"})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200

        def retell_turn(text, index):
            # One line per turn: every turn is new to the call's record, as the HTTP doors' are.
            ws.send(json.dumps({"interaction_type": "response_required", "response_id": index + 1,
                                "transcript": [{"role": "user", "content": text}]}))
            while True:
                event = json.loads(ws.recv())
                if event.get("response_id") == index + 1 and event.get("content_complete"):
                    return

        doors = {"chat_completions": chat, "responses": responses, "retell": retell_turn,
                 "chat_completions_whole": lambda text, index: chat(text, index, stream=False),
                 "responses_whole": lambda text, index: responses(text, index, stream=False)}
        for index in range(turns + 20):
            for name, door in doors.items():
                started = time.perf_counter()
                door(said(), index)
                if index >= 20:
                    times[name].append((time.perf_counter() - started) * 1000)
        ws.close()
        for name, values in times.items():
            ordered = sorted(values)
            print(json.dumps({"front_door": name, "turns": len(values), "p50_ms": round(statistics.median(values), 3),
                              "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 3)}))


if __name__ == "__main__":
    main()
