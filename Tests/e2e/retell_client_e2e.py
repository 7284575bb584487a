"""Plays Retell's side of a custom-LLM WebSocket call against Masker, written from Retell's public
protocol description (docs.retellai.com, "LLM WebSocket"), with the websocket-client package.

Usage: retell_client_e2e.py WS_URL < turns.json

Every message is a text frame holding one JSON object. The server opens with a `config` event and
a `response` with response_id 0 (the begin message). Retell then sends `call_details`,
`ping_pong`, `update_only` and, when the agent should speak, `response_required` (or
`reminder_required`) with a `response_id` and the transcript so far; the server streams `response`
events for that id, the last with `content_complete: true`. A newer response_id makes an older
one obsolete.

stdin: a JSON list of caller turns. Prints one JSON object per line: the opening, the pong, one
answer per turn (the content joined), a reminder's answer, and what happened when a response was
superseded part-way.
"""
import json
import sys
import time

import websocket


def receive(ws):
    return json.loads(ws.recv())


def answer(ws, response_id):
    """The content of one response, until content_complete; other ids' events are counted."""
    text, others = "", 0
    while True:
        event = receive(ws)
        if event.get("response_type") != "response" or event.get("response_id") != response_id:
            others += 1
            continue
        text += event["content"]
        if event["content_complete"]:
            return text, others


def main() -> None:
    url = sys.argv[1]
    turns = json.load(sys.stdin)
    ws = websocket.create_connection(url, timeout=30)
    opening = [receive(ws), receive(ws)]
    print(json.dumps({"opening": opening}), flush=True)

    ws.send(json.dumps({"interaction_type": "call_details", "call": {
        "call_id": "retell-e2e", "from_number": "+14155552671", "to_number": "+12125550143",
        "metadata": {"patient_name": "Sarah Chen"}, "retell_llm_dynamic_variables": {"dob": "1990-04-12"}}}))
    ws.send(json.dumps({"interaction_type": "ping_pong", "timestamp": 1733500000123}))
    print(json.dumps({"pong": receive(ws)}), flush=True)

    transcript = [{"role": "agent", "content": "Thanks for calling the clinic, how can I help?"}]
    for index, turn in enumerate(turns):
        transcript.append({"role": "user", "content": turn})
        ws.send(json.dumps({"interaction_type": "update_only", "transcript": transcript}))
        ws.send(json.dumps({"interaction_type": "response_required", "response_id": index + 1, "transcript": transcript}))
        text, _ = answer(ws, index + 1)
        print(json.dumps({"turn": index, "answer": text}), flush=True)
        transcript.append({"role": "agent", "content": text})

    reminder_id = len(turns) + 1
    ws.send(json.dumps({"interaction_type": "reminder_required", "response_id": reminder_id, "transcript": transcript}))
    text, _ = answer(ws, reminder_id)
    print(json.dumps({"reminder": text}), flush=True)

    # Superseded: the caller speaks again while the agent's answer is still streaming.
    older, newer = reminder_id + 1, reminder_id + 2
    transcript.append({"role": "user", "content": turns[0]})
    ws.send(json.dumps({"interaction_type": "response_required", "response_id": older, "transcript": transcript}))
    first = receive(ws)
    while first.get("response_id") != older or first.get("response_type") != "response":
        first = receive(ws)
    transcript.append({"role": "user", "content": turns[-1]})
    ws.send(json.dumps({"interaction_type": "response_required", "response_id": newer, "transcript": transcript}))
    older_complete, older_events = first["content_complete"], 1
    text = ""
    while True:
        event = receive(ws)
        if event.get("response_id") == older:
            older_events += 1
            older_complete = older_complete or event["content_complete"]
        elif event.get("response_id") == newer:
            text += event["content"]
            if event["content_complete"]:
                break
    time.sleep(0.3)  # anything of the older response still on its way would arrive now
    ws.settimeout(0.2)
    try:
        while True:
            event = receive(ws)
            if event.get("response_id") == older:
                older_events += 1
                older_complete = older_complete or event["content_complete"]
    except websocket.WebSocketTimeoutException:
        pass
    print(json.dumps({"superseded_complete": older_complete, "newer": text}), flush=True)
    ws.close()


if __name__ == "__main__":
    main()
