"""Drives a Masker proxy's Responses API with OpenAI's official Python client, as LiveKit's or
ElevenLabs' code would.

Usage: openai_responses_e2e.py PROXY_BASE_URL MODEL < turns.json

stdin: a JSON list of user turns. For each turn the script makes five calls: a whole and a
streamed answer, each with and without a function tool, and a follow-up whose input carries the
function call and its output (as an agent loop sends them back). It prints one JSON object per
turn with what the client received; the Swift test compares it with the original turn.
"""
import json
import sys

import openai

TOOL = {
    "type": "function",
    "name": "book_appointment",
    "description": "Books an appointment for the caller.",
    "parameters": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
}


def main() -> None:
    base_url, model = sys.argv[1], sys.argv[2]
    turns = json.load(sys.stdin)
    client = openai.OpenAI(base_url=base_url, api_key="sk-not-needed-for-stub", max_retries=0, timeout=30)
    for index, turn in enumerate(turns):
        headers = {"Masker-Session-Id": f"py-responses-{index}"}
        instructions = "You are a clinic's phone assistant."
        user = [{"role": "user", "content": [{"type": "input_text", "text": turn}]}]

        whole = client.responses.create(model=model, instructions=instructions, input=user, extra_headers=headers)

        streamed, completed = "", None
        for event in client.responses.create(model=model, instructions=instructions, input=user, stream=True, extra_headers=headers):
            if event.type == "response.output_text.delta":
                streamed += event.delta
            elif event.type == "response.completed":
                completed = event.response.output_text

        tool_whole = client.responses.create(model=model, input=turn, tools=[TOOL], extra_headers=headers)
        call = tool_whole.output[0]

        tool_streamed, tool_done = "", None
        for event in client.responses.create(model=model, input=turn, tools=[TOOL], stream=True, extra_headers=headers):
            if event.type == "response.function_call_arguments.delta":
                tool_streamed += event.delta
            elif event.type == "response.function_call_arguments.done":
                tool_done = event.arguments

        # The agent ran the tool and sends the call and its result back with the next user turn.
        follow_up = client.responses.create(model=model, tool_choice="none", tools=[TOOL], extra_headers=headers, input=[
            {"role": "user", "content": turn},
            {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"booked": True, "note": turn})},
            {"role": "user", "content": "thanks, " + turn},
        ])

        print(json.dumps({
            "whole": whole.output_text,
            "streamed": streamed,
            "completed": completed,
            "tool_name": call.name,
            "tool_whole": call.arguments,
            "tool_streamed": tool_streamed,
            "tool_done": tool_done,
            "follow_up": follow_up.output_text,
        }), flush=True)


if __name__ == "__main__":
    main()
