"""Drives a Masker proxy with OpenAI's official Python client, as a voice platform's code would.

Usage: openai_client_e2e.py PROXY_BASE_URL MODEL MISSING_AGENT_BASE_URL < turns.json

stdin: a JSON list of user turns. For each turn the script makes four calls (whole and streamed
answers, each with and without a tool) and prints one JSON object per turn on stdout with what the
client received. The Swift test compares it byte for byte with the original turn. Finally it calls
an agent that does not exist and prints the exception class and error code the client raised.
"""
import json
import sys

import openai

TOOL = {
    "type": "function",
    "function": {
        "name": "book_appointment",
        "description": "Books an appointment for the caller.",
        "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
}


def main() -> None:
    base_url, model, missing_url = sys.argv[1], sys.argv[2], sys.argv[3]
    turns = json.load(sys.stdin)
    client = openai.OpenAI(base_url=base_url, api_key="sk-not-needed-for-stub", max_retries=0, timeout=30)
    for index, turn in enumerate(turns):
        messages = [{"role": "system", "content": "You are a clinic's phone assistant."}, {"role": "user", "content": turn}]
        headers = {"Masker-Session-Id": f"py-call-{index}"}

        whole = client.chat.completions.create(model=model, messages=messages, extra_headers=headers)

        streamed = ""
        for chunk in client.chat.completions.create(model=model, messages=messages, stream=True, extra_headers=headers):
            if chunk.choices and chunk.choices[0].delta.content:
                streamed += chunk.choices[0].delta.content

        tool_whole = client.chat.completions.create(model=model, messages=messages, tools=[TOOL], extra_headers=headers)

        tool_streamed = ""
        for chunk in client.chat.completions.create(model=model, messages=messages, tools=[TOOL], stream=True, extra_headers=headers):
            if chunk.choices and chunk.choices[0].delta.tool_calls:
                for call in chunk.choices[0].delta.tool_calls:
                    if call.function and call.function.arguments:
                        tool_streamed += call.function.arguments

        print(json.dumps({
            "whole": whole.choices[0].message.content,
            "streamed": streamed,
            "tool_whole": tool_whole.choices[0].message.tool_calls[0].function.arguments,
            "tool_name": tool_whole.choices[0].message.tool_calls[0].function.name,
            "tool_streamed": tool_streamed,
        }), flush=True)

    missing = openai.OpenAI(base_url=missing_url, api_key="sk-x", max_retries=0, timeout=30)
    try:
        missing.chat.completions.create(model=model, messages=[{"role": "user", "content": "hello"}])
        print(json.dumps({"missing": "no error"}))
    except openai.APIStatusError as error:
        print(json.dumps({"missing": type(error).__name__, "status": error.status_code, "code": error.code}))


if __name__ == "__main__":
    main()
