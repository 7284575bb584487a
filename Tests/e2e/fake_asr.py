#!/usr/bin/env python3
"""A stand-in for the hosted speech providers, implementing the request and response shapes their
documentation gives, for Tests/MaskerCLITests/VoiceReplayTests.swift:

    POST /v1/listen                  Deepgram pre-recorded: Authorization: Token KEY, body audio/wav;
                                     answers {"results": {"channels": [{"alternatives": [{"transcript",
                                     "confidence", "words": [{"word", "start", "end", "confidence",
                                     "punctuated_word"}]}]}]}}; a wrong key is 401 {"err_code", "err_msg"}
    POST /v1/audio/transcriptions    OpenAI: Authorization: Bearer KEY, multipart/form-data with file,
                                     model, response_format=verbose_json, timestamp_granularities[]=word;
                                     answers {"text", "words": [{"word", "start", "end"}]}; a wrong key
                                     is 401 {"error": {"message", "type", "code"}}

It cannot hear: it "recognises" a fixed sentence, spread evenly over the audio's duration (read from
the WAV header). A request of the wrong shape is 400 with what was wrong.

    fake_asr.py KEY PORT_FILE    writes the port it listens on (loopback) to PORT_FILE, then serves until killed
"""
import email.parser
import json
import os
import struct
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

SENTENCE = "Hi, this is Sarah Chen. My number is six one seven five five five zero one four two."


def wav_seconds(data):
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    rate = struct.unpack("<I", data[24:28])[0]
    channels = struct.unpack("<H", data[22:24])[0]
    return (len(data) - 44) / (2 * channels * rate)


def words(seconds):
    tokens = SENTENCE.split()
    step = seconds / len(tokens)
    return [{"word": token.strip(".,").lower(), "punctuated_word": token, "start": round(i * step, 3),
             "end": round((i + 1) * step - 0.01, 3), "confidence": 0.98} for i, token in enumerate(tokens)]


def multipart(content_type, body):
    """A multipart/form-data body's fields by name (the standard library's email parser)."""
    message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        return {}
    return {part.get_param("name", header="content-disposition"): part.get_payload(decode=True) for part in message.get_payload()}


class Handler(BaseHTTPRequestHandler):
    key = ""

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/v1/listen"):
            if self.headers.get("Authorization") != f"Token {self.key}":
                return self.answer(401, {"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."})
            if self.headers.get("Content-Type") != "audio/wav" or "model=" not in self.path:
                return self.answer(400, {"err_code": "Bad Request", "err_msg": "expected audio/wav and a model"})
            seconds = wav_seconds(body)
            if seconds is None:
                return self.answer(400, {"err_code": "Bad Request", "err_msg": "the body is not a WAV file"})
            found = words(seconds)
            return self.answer(200, {"metadata": {"channels": 1, "duration": seconds}, "results": {"channels": [
                {"alternatives": [{"transcript": SENTENCE, "confidence": 0.97, "words": found}]}]}})
        if self.path == "/v1/audio/transcriptions":
            if self.headers.get("Authorization") != f"Bearer {self.key}":
                return self.answer(401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                                   "code": "invalid_api_key"}})
            form = multipart(self.headers.get("Content-Type", ""), body)
            problems = [name for name, want in (("model", None), ("response_format", b"verbose_json"),
                                                ("timestamp_granularities[]", b"word"))
                        if name not in form or (want and form[name] != want)]
            if problems or "file" not in form:
                return self.answer(400, {"error": {"message": f"missing or wrong: {problems or ['file']}"}})
            seconds = wav_seconds(form["file"])
            if seconds is None:
                return self.answer(400, {"error": {"message": "the file is not a WAV file"}})
            found = [{"word": w["punctuated_word"], "start": w["start"], "end": w["end"]} for w in words(seconds)]
            return self.answer(200, {"task": "transcribe", "duration": seconds, "text": SENTENCE, "words": found})
        return self.answer(404, {"error": "no such route"})


def main():
    Handler.key = sys.argv[1]
    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2] + ".tmp", "w") as file:
        file.write(str(server.server_address[1]))
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
