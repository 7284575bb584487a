"""Builds a spaCy pipeline with en_core_web_sm's architecture and untrained weights, for timing
Presidio where no trained spaCy model can be downloaded (bench/compare.sh).

spaCy's trained models are GitHub release files, not PyPI packages. What a pipeline costs per
token is set by its architecture, not by its weights' values: the same tok2vec (hash embeddings,
a 4-layer CNN of width 96), tagger, transition-based parser and NER as spaCy's "efficiency"
English config, which is what en_core_web_sm is trained from, with the same label counts (18
OntoNotes entity types, 45 dependency labels, 30 tags). Its entities are noise, so Presidio's
findings with it mean nothing; only its time is used.

    python bench/spacy_standin.py OUTPUT_DIR
"""
import random
import sys

import spacy
from spacy.tokens import Doc
from spacy.training import Example

ENTITY_LABELS = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                 "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"]
DEPENDENCY_LABELS = ["nsubj", "dobj", "prep", "pobj", "det", "amod", "advmod", "aux", "cc", "conj", "compound",
                     "punct", "attr", "acomp", "mark", "advcl", "ccomp", "xcomp", "poss", "nummod", "npadvmod",
                     "dep", "neg", "relcl", "appos", "prt", "nmod", "case", "expl", "oprd", "pcomp", "quantmod",
                     "intj", "auxpass", "nsubjpass", "dative", "acl", "agent", "csubj", "meta", "parataxis",
                     "predet", "preconj", "csubjpass"]
TAGS = ["NN", "NNS", "NNP", "VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "JJ", "RB", "IN", "DT", "PRP", "PRP$", "CC",
        "CD", "TO", "MD", ".", ",", "WP", "WDT", "RP", "UH", "POS", "EX", "JJR", "JJS", "RBR"]


def main(output):
    config = spacy.cli.init_config(lang="en", pipeline=["tagger", "parser", "ner"], optimize="efficiency")
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    # Labels are learnt from examples; each must occur often enough for the parser to keep it.
    rng = random.Random(1)
    examples = []
    for i in range(2000):
        words = [f"w{rng.randrange(50)}" for _ in range(8)]
        entities = ["O"] * 8
        entities[2], entities[3] = "B-" + ENTITY_LABELS[i % 18], "I-" + ENTITY_LABELS[i % 18]
        gold = Doc(nlp.vocab, words=words, heads=[0] * 8,
                   deps=["ROOT"] + [DEPENDENCY_LABELS[(i * 7 + j) % len(DEPENDENCY_LABELS)] for j in range(1, 8)],
                   tags=[TAGS[(i + j) % len(TAGS)] for j in range(8)], ents=entities)
        examples.append(Example(Doc(nlp.vocab, words=words), gold))
    nlp.initialize(lambda: examples)
    nlp.to_disk(output)


if __name__ == "__main__":
    main(sys.argv[1])
