"""Times Presidio's AnalyzerEngine over a JSON-lines corpus (a "text" field per line), one core,
and prints {"model", "turns", "bytes", "seconds", "mb_per_s", "p50_us", "p99_us"} as JSON.

Run by bench/compare.sh inside its throwaway virtualenv. --model is an installed spaCy package, a
pipeline directory (bench/spacy_standin.py makes one), or "blank": a blank English pipeline, so
Presidio runs its tokenizer and every pattern recognizer but no NER, strictly less work than with
any model, which makes that time a lower bound.
"""
import argparse
import json
import logging
import statistics
import sys
import tempfile
import time


def engine(model):
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    if model == "blank":
        model = tempfile.mkdtemp(prefix="blank-en-")
        spacy.blank("en").to_disk(model)
    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
    nlp.load()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--model", default="blank")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    # tldextract (Presidio's email and URL check) tries to fetch the public suffix list and falls
    # back to its bundled copy; without a network that is a warning per process, not an error.
    logging.disable(logging.WARNING)
    texts = [json.loads(line)["text"] for line in open(args.corpus, encoding="utf-8") if line.strip()]
    analyzer = engine(args.model)
    for text in texts[:20]:  # warm-up: first calls load recognizers and compile patterns
        analyzer.analyze(text=text, language="en")
    times = []
    started = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            begin = time.perf_counter()
            analyzer.analyze(text=text, language="en")
            times.append(time.perf_counter() - begin)
    seconds = time.perf_counter() - started
    size = sum(len(text.encode("utf-8")) for text in texts) * args.rounds
    times.sort()
    print(json.dumps({
        "model": args.model, "turns": len(times), "bytes": size, "seconds": seconds,
        "mb_per_s": size / seconds / 1e6,
        "p50_us": statistics.median(times) * 1e6,
        "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6,
    }))


if __name__ == "__main__":
    sys.exit(main())
