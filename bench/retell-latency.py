"""How long after the model's first token Retell gets its first `response` event through Masker
(issue 42's target: 2 ms), and its first restored value.

One process plays both ends, so one clock times both: a stand-in model (asyncio, in a thread) that
streams a chat completion ("Thank you. I have you down as: " + the caller's words back, in 5-byte
pieces) and notes when it writes its first piece and the piece that completes the first token; and
a Retell client (websocket-client) that sends `response_required` turns and notes when the first
`response` event with content arrives, and the first one carrying the caller's restored number.
Masker runs as `masker serve` with MASKER_RETELL_LISTEN_ADDR.

Usage: python3 bench/retell-latency.py MASKER_BINARY [TURNS, default 200]
Needs websocket-client (the e2e virtualenv has it: .build/python-e2e/bin/python).
"""
import asyncio
import json
import os
import random
import re
import statistics
import sys
import threading
import time

import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from masker_server import MaskerServer, free_port  # noqa: E402

TOKEN = re.compile(r"MSKV1\.[A-Z_]+\.[A-Z0-9_]+\.[A-Z2-7]+")
stamps = {}


async def model(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
            body = json.loads(await reader.readexactly(length))
            said = next((m["content"] for m in reversed(body["messages"]) if m["role"] == "user"), "")
            text = "Thank you. I have you down as: " + said
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            match = TOKEN.search(text)
            first_token_end = match.end() if match else -1
            sent = 0
            for index in range(0, len(text), 5):
                piece = text[index:index + 5]
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                event = ("data: " + json.dumps(chunk) + "\n\n").encode()
                writer.write(b"%x\r\n" % len(event) + event + b"\r\n")
                await writer.drain()
                now = time.perf_counter()
                if index == 0:
                    stamps["first"] = now
                sent += len(piece)
                if "token" not in stamps and first_token_end >= 0 and sent >= first_token_end:
                    stamps["token"] = now
            done = b"data: [DONE]\n\n"
            writer.write(b"%x\r\n" % len(done) + done + b"\r\n0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass


def serve_model(port):
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(model, "127.0.0.1", port))
    loop.run_until_complete(server.serve_forever())


def main():
    binary, turns = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200
    model_port = free_port()
    threading.Thread(target=serve_model, args=(model_port,), daemon=True).start()
    with MaskerServer(binary, upstream="openai:m", env={"MASKER_OPENAI_BASE_URL": f"http://127.0.0.1:{model_port}/v1"}) as server:
        retell_port, agent = server.retell_port, server.agent
        ws = websocket.create_connection(f"ws://127.0.0.1:{retell_port}/retell/{agent}/call_bench_1", timeout=30)
        ws.recv(), ws.recv()  # config, begin message
        first, restored = [], []
        transcript = [{"role": "agent", "content": "Thanks for calling, how can I help?"}]
        for turn in range(turns + 10):
            number = "415-555-%04d" % random.randint(0, 9999)
            transcript.append({"role": "user", "content": f"my number is {number}"})
            stamps.clear()
            ws.send(json.dumps({"interaction_type": "response_required", "response_id": turn + 1, "transcript": transcript}))
            got_first = got_value = None
            text = ""
            while True:
                event = json.loads(ws.recv())
                now = time.perf_counter()
                if event.get("response_id") != turn + 1:
                    continue
                text += event["content"]
                if got_first is None and event["content"]:
                    got_first = now
                if got_value is None and number in text:
                    got_value = now
                if event["content_complete"]:
                    break
            transcript.append({"role": "agent", "content": text})
            if turn >= 10:  # warm-up turns are not counted
                first.append((got_first - stamps["first"]) * 1000)
                if "token" in stamps and got_value is not None:
                    restored.append((got_value - stamps["token"]) * 1000)
        ws.close()

        def p(values, share):
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
        print(json.dumps({
            "turns": len(first),
            "first_event_after_first_token_ms": {"p50": round(statistics.median(first), 3), "p99": round(p(first, 0.99), 3)},
            "restored_value_after_its_token_completed_ms": {"p50": round(statistics.median(restored), 3), "p99": round(p(restored, 0.99), 3)},
        }))


if __name__ == "__main__":
    main()
