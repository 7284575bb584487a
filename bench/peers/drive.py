"""Sends the same PHI-bearing turns through each proxy under test to the same stand-in model
(bench/load/model.py, which records every request it gets) and reports, per target: latency p50
and p99 sequentially and with concurrent callers, the latency added over calling the model
directly, the share of the turns' PHI characters that reached the model, and how many answers came
back exactly as the model meant them (its answer repeats the caller's words, so a proxy must
restore what it masked).

Usage: drive.py --turns GOLD.jsonl --count N --callers C --record MODEL_RECORD_FILE [--key BEARER] \
                --target NAME=URL [--target NAME=URL ...]      (the first target is "direct")
Prints one JSON object per target.
"""
import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse


def load_turns(path, count):
    turns = []
    for line in open(path):
        record = json.loads(line)
        if record.get("spans"):
            text = record["text"]
            turns.append((text, [text[s["start"]:s["end"]] for s in record["spans"]]))
        if len(turns) == count:
            break
    return turns


KEY = "sk-peers"


def post(connection, path, text):
    body = json.dumps({"model": "stand-in", "messages": [
        {"role": "system", "content": "You are a clinic's phone assistant."}, {"role": "user", "content": text}]})
    started = time.perf_counter()
    connection.request("POST", path, body, {"Content-Type": "application/json", "Authorization": "Bearer " + KEY})
    reply = connection.getresponse()
    data = reply.read()
    elapsed = time.perf_counter() - started
    answer = None
    if reply.status == 200:
        try:
            answer = json.loads(data)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            answer = None
    return elapsed, reply.status, answer


def run(url, turns, callers):
    parsed = urllib.parse.urlparse(url)
    latencies, exact, failures = [], 0, 0
    lock = threading.Lock()
    queue = list(turns)

    def caller():
        nonlocal exact, failures
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                text, _ = queue.pop(0)
            elapsed, status, answer = post(connection, parsed.path, text)
            with lock:
                latencies.append(elapsed * 1000)
                if status != 200:
                    failures += 1
                elif answer == "Thank you. I have you down as: " + text:
                    exact += 1

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, exact, failures


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--record", required=True)
    parser.add_argument("--target", action="append", required=True)
    parser.add_argument("--key", default="sk-peers", help="the bearer token every request carries (LiteLLM's master key)")
    args = parser.parse_args()
    global KEY
    KEY = args.key
    turns = load_turns(args.turns, args.count)
    phi_chars = sum(len(value) for _, values in turns for value in values)
    results = {}
    for target in args.target:
        name, url = target.split("=", 1)
        run(url, turns[:10], 1)  # warm up: connections, models, caches
        offset = open(args.record, "rb").seek(0, 2)
        sequential, exact, failures = run(url, turns, 1)
        with open(args.record, "rb") as record:
            record.seek(offset)
            received = record.read().decode("utf-8", "replace")
        leaked = sum(len(value) for _, values in turns for value in values
                     if value in received or json.dumps(value)[1:-1] in received)
        concurrent, _, concurrent_failures = run(url, turns, args.callers)
        results[name] = {
            "target": name, "turns": len(turns),
            "sequential_p50_ms": round(statistics.median(sequential), 2), "sequential_p99_ms": round(percentile(sequential, 0.99), 2),
            "concurrent_p50_ms": round(statistics.median(concurrent), 2), "concurrent_p99_ms": round(percentile(concurrent, 0.99), 2),
            "callers": args.callers, "exact_answers": exact, "failures": failures + concurrent_failures,
            "phi_chars_reaching_model_pct": round(100 * leaked / phi_chars, 1),
        }
    direct = results[args.target[0].split("=", 1)[0]]
    for result in results.values():
        for key in ("sequential_p50_ms", "sequential_p99_ms", "concurrent_p50_ms", "concurrent_p99_ms"):
            result["added_" + key] = round(result[key] - direct[key], 2)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
