#!/usr/bin/env python3
"""Renders the call scripts of data/voice/calls.jsonl to audio with Debian's flite and sox:
never downloaded audio. Each call becomes, in OUT_DIR:

    <id>-mono16k.wav    both speakers mixed, 16 kHz mono (what PocketSphinx's model follows best)
    <id>-stereo.wav     the caller on the left channel, the agent on the right, 16 kHz, each channel
                        carrying the other side 30 dB down (telephone echo, for bleed handling)
    <id>-tel8k.wav      the mono mix at 8 kHz (the telephone band: hard for the wideband model)
    <id>.json           the gold: each turn's speaker, text, PHI values and its time in the audio

The caller speaks with flite's `slt` voice, the agent with `rms` (`kal` is a diphone voice
PocketSphinx cannot follow). Turns are separated by 0.6 s of silence.

    python3 data/voice/render_calls.py OUT_DIR [--calls data/voice/calls.jsonl] [--voices caller=slt,agent=rms] [--gap 0.6]

(`--voices caller=rms,agent=awb` gives two male voices: the harder case for diarization; `--gap 0`
runs the turns into each other with flite's own silences trimmed, one speaker cutting in on the
other with no pause for a diarizer to split at.)

The scripts are written for the project (no licence beyond the repository's); flite's voices are
free software (flite's licence, BSD-like) and sox is GPL: both run here, neither ships with us.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

VOICES = {"caller": "slt", "agent": "rms"}
GAP = 0.6
RATE = 16000


def run(*command):
    # sox dithers when it writes 16-bit samples, with fresh random noise each run: -D turns that
    # off, so the same scripts always render the same bytes (and the figures repeat).
    if command[0] == "sox":
        command = ("sox", "-D") + command[1:]
    subprocess.run(command, check=True, capture_output=True)


def duration(path):
    return float(subprocess.run(["soxi", "-D", path], check=True, capture_output=True, text=True).stdout.strip())


def render(call, out, scratch):
    pieces, gold, clock = [], [], 0.0
    silence = os.path.join(scratch, "gap.wav")
    if GAP > 0:
        run("sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", silence, "trim", "0", str(GAP))
    for index, turn in enumerate(call["turns"]):
        raw = os.path.join(scratch, f"{call['id']}-{index}-raw.wav")
        wav = os.path.join(scratch, f"{call['id']}-{index}.wav")
        run("flite", "-voice", VOICES[turn["speaker"]], "-t", turn["text"], "-o", raw)
        # --gap 0 trims flite's own lead-in and tail too: one speaker cuts in on the other.
        trim = ["silence", "1", "0.01", "0.5%", "reverse", "silence", "1", "0.01", "0.5%", "reverse"] if GAP == 0 else []
        run("sox", raw, "-r", str(RATE), "-c", "1", "-b", "16", wav, *trim)
        length = duration(wav)
        gold.append({"speaker": turn["speaker"], "text": turn["text"], "phi": turn["phi"], "start": round(clock, 3),
                     "end": round(clock + length, 3)})
        pieces.append((turn["speaker"], wav))
        clock += length + GAP
    # Each speaker's track: their turns, silence where the other speaks.
    tracks = {}
    for speaker in ("caller", "agent"):
        parts = []
        for (who, wav) in pieces:
            if who == speaker:
                parts.append(wav)
            else:
                quiet = os.path.join(scratch, f"quiet-{len(parts)}-{speaker}.wav")
                run("sox", wav, quiet, "vol", "0")
                parts.append(quiet)
            if GAP > 0:
                parts.append(silence)
        track = os.path.join(scratch, f"{call['id']}-{speaker}.wav")
        run("sox", *parts, track)
        tracks[speaker] = track
    base = os.path.join(out, call["id"])
    run("sox", "-m", tracks["caller"], tracks["agent"], f"{base}-mono16k.wav")
    # Each channel: its speaker, plus the other 30 dB down (echo across the legs).
    channels = []
    for speaker, other in (("caller", "agent"), ("agent", "caller")):
        bleed = os.path.join(scratch, f"{call['id']}-{speaker}-bleed.wav")
        run("sox", "-m", "-v", "1", tracks[speaker], "-v", "0.0316", tracks[other], bleed)
        channels.append(bleed)
    run("sox", "-M", channels[0], channels[1], f"{base}-stereo.wav")
    run("sox", f"{base}-mono16k.wav", "-r", "8000", f"{base}-tel8k.wav")
    with open(f"{base}.json", "w") as file:
        json.dump({"id": call["id"], "turns": gold}, file, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--calls", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.jsonl"))
    parser.add_argument("--voices", default="caller=slt,agent=rms")
    parser.add_argument("--gap", type=float, default=GAP, help="seconds of silence between turns (0: none, and each turn trimmed)")
    args = parser.parse_args()
    globals()["GAP"] = args.gap
    VOICES.update(dict(pair.split("=") for pair in args.voices.split(",")))
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, open(args.calls) as calls:
        for line in calls:
            if line.strip():
                render(json.loads(line), args.out, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
