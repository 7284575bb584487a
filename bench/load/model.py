"""A stand-in language model for scripts/load-test.sh: an OpenAI-compatible chat-completions
server on loopback that answers every request after a fixed delay with a completion that repeats
the caller's last message back ("I have you down as ...").

Why it exists beside the load test's nginx upstream: nginx answers at once with fixed text, which
measures Masker's whole cost but not the call a proxy actually sits in. A real model takes tens to
hundreds of milliseconds, during which Masker makes the turn durable, and its answer names the
caller's values back, so Masker must restore tokens and record that before releasing it. This
server does both, so the pair "directly / through Masker" measures what a caller would notice.

Standard library only (asyncio), HTTP/1.1 with keep-alive, one request at a time per connection,
as wrk and async-http-client send them. Not a general HTTP server: it reads Content-Length bodies
only, which is all either client sends.

Usage: python3 bench/load/model.py PORT DELAY_MS [RECORD_FILE]

With RECORD_FILE, every request's body is appended to it, one JSON line each, so a caller can see
what reached the model (bench/peers.sh compares what each proxy let through).
"""
import asyncio
import json
import sys


def answer(body: bytes) -> bytes:
    try:
        messages = json.loads(body).get("messages") or []
        said = next((m.get("content") for m in reversed(messages) if m.get("role") == "user"), "")
    except (ValueError, AttributeError):
        said = ""
    if not isinstance(said, str):
        said = ""
    completion = {
        "id": "chatcmpl-model", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "Thank you. I have you down as: " + said}}],
    }
    payload = json.dumps(completion).encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(payload)).encode() + b"\r\n\r\n" + payload)


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, record) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length) if length else b""
            if record is not None:
                record.write(body.replace(b"\n", b" ") + b"\n")
                record.flush()
            await asyncio.sleep(delay)
            writer.write(answer(body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main() -> None:
    port, delay_ms = int(sys.argv[1]), float(sys.argv[2])
    record = open(sys.argv[3], "ab") if len(sys.argv) > 3 else None
    server = await asyncio.start_server(lambda r, w: serve(r, w, delay_ms / 1000, record), "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
