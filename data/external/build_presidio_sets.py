#!/usr/bin/env python3
"""Builds an independent evaluation set from presidio-evaluator's sentence generator (MIT licence,
Microsoft): templates and value providers Masker's authors did not write, so the figures are not
tuned to our own templates.

    python3 -m venv /tmp/pe && /tmp/pe/bin/pip install presidio-evaluator
    /tmp/pe/bin/python data/external/build_presidio_sets.py

Writes two files with the same 500 sentences (seeded):
  presidio-written.jsonl  - as generated (mixed case, formatted numbers)
  presidio-spoken.jsonl   - as a speech recogniser would write them: lowercase, digits spoken one
                            by one, '@' and '.' in emails and URLs spoken, separators dropped
Entity types are mapped to Masker kinds; types with no Safe Harbor meaning (organisation, title,
nationality...) are left unlabelled. Gold is filtered to what Safe Harbor counts as PHI: ages of 89
and under, bare years, weekdays and times are unlabelled (Presidio labels them). The templates write
some newlines as a literal backslash-n; those become real newlines. Gold spans are Python string
offsets.
"""
import json
import os
import random
import re

from presidio_evaluator.data_generator import PresidioSentenceFaker

KINDS = {
    "PERSON": "NAME", "FIRST_NAME": "NAME", "LAST_NAME": "NAME", "NAME": "NAME",
    "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "US_SSN": "SSN", "DATE_TIME": "DATE",
    "ADDRESS": "ADDRESS", "STREET_ADDRESS": "ADDRESS", "LOCATION": "ADDRESS", "GPE": "ADDRESS", "CITY": "ADDRESS",
    "ZIP_CODE": "ADDRESS", "CREDIT_CARD": "ACCOUNT", "IBAN_CODE": "ACCOUNT", "US_BANK_NUMBER": "ACCOUNT",
    "IP_ADDRESS": "IP_ADDRESS", "URL": "URL", "DOMAIN_NAME": "URL", "US_DRIVER_LICENSE": "LICENSE",
    "US_PASSPORT": "OTHER_ID", "AGE": "AGE", "MEDICAL_LICENSE": "LICENSE",
}
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
            "nineteenth", "twentieth"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n):
    if n >= 100:
        return words(n // 100) + " hundred" + ("" if n % 100 == 0 else " " + words(n % 100))
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + DIGITS[n % 10])


def ordinal(n):
    if n <= 20:
        return ORDINALS[n]
    if n % 10 == 0:
        return TENS[n // 10][:-1] + "ieth"
    return TENS[n // 10] + " " + ORDINALS[n % 10]


def year_words(y):
    if 2000 <= y < 2010:
        return "two thousand" + ("" if y == 2000 else " " + DIGITS[y - 2000])
    hi, lo = divmod(y, 100)
    return words(hi) + " " + ("hundred" if lo == 0 else ("oh " + DIGITS[lo] if lo < 10 else words(lo)))


def spoken_date(value):
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value) or None
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
        if not m:
            return None
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{MONTHS[month - 1]} {ordinal(day)} {year_words(year)}"


def is_phi(kind, value):
    """Safe Harbor: ages over 89; dates more precise than a year."""
    if kind == "AGE":
        return value.strip().isdigit() and int(value) > 89
    if kind == "DATE":
        lowered = value.lower()
        has_month = any(month[:3] in lowered for month in MONTHS)
        has_numeric = re.search(r"\d{1,4}[/.-]\d{1,2}", value) is not None
        return has_month or has_numeric
    return True


def spoken(value, kind):
    if kind == "DATE":
        said = spoken_date(value)
        if said:
            return said
    if kind == "AGE" and value.strip().isdigit():
        return words(int(value))
    text = value.lower()
    if kind in ("EMAIL", "URL", "IP_ADDRESS"):
        text = text.replace("@", " at ").replace(".", " dot ").replace("/", " slash ").replace(":", " colon ")
    text = re.sub(r"\d", lambda m: " " + DIGITS[int(m.group())] + " ", text)
    text = re.sub(r"[()\-+.,#]", " ", text) if kind not in ("EMAIL", "URL", "IP_ADDRESS") else text
    return re.sub(r"\s+", " ", text).strip()


class Span:
    def __init__(self, entity_type, start_position, end_position):
        self.entity_type, self.start_position, self.end_position = entity_type, start_position, end_position


def unescape_newlines(text, spans):
    """Turns each literal backslash-n into a newline and moves span offsets to match."""
    mapping, out, i = [], "", 0
    while i < len(text):
        mapping.append(len(out))
        if text.startswith("\\n", i):
            out += "\n"
            mapping.append(len(out))
            i += 2
        else:
            out += text[i]
            i += 1
    mapping.append(len(out))
    return out, [Span(s.entity_type, mapping[s.start_position], mapping[s.end_position]) for s in spans]


def main():
    random.seed(42)
    faker = PresidioSentenceFaker(locale="en_US", lower_case_ratio=0.0, random_seed=42)
    records = faker.generate_new_fake_sentences(500)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "presidio-written.jsonl"), "w") as written, \
            open(os.path.join(here, "presidio-spoken.jsonl"), "w") as talk:
        for number, record in enumerate(records, 1):
            text, spans = unescape_newlines(record.full_text, sorted(record.spans, key=lambda s: s.start_position))
            gold = [{"kind": KINDS[s.entity_type], "start": s.start_position, "end": s.end_position}
                    for s in spans if s.entity_type in KINDS and is_phi(KINDS[s.entity_type], text[s.start_position:s.end_position])]
            written.write(json.dumps({"id": f"pw-{number:04d}", "text": text, "spans": gold}) + "\n")
            # Spoken variant: rebuild the text piece by piece so offsets stay exact.
            out, spoken_gold, cursor = "", [], 0
            for s in spans:
                if s.start_position < cursor:
                    continue
                plain = re.sub(r"[^\w\s']", " ", text[cursor:s.start_position].lower())
                out += re.sub(r" +", " ", plain)
                kind = KINDS.get(s.entity_type)
                if kind and not is_phi(kind, text[s.start_position:s.end_position]):
                    kind = None
                value = spoken(text[s.start_position:s.end_position], kind or "")
                if out and not out.endswith(" "):
                    out += " "
                start = len(out)
                out += value
                if kind:
                    spoken_gold.append({"kind": kind, "start": start, "end": len(out)})
                out += " "
                cursor = s.end_position
            out += re.sub(r" +", " ", re.sub(r"[^\w\s']", " ", text[cursor:].lower()))
            talk.write(json.dumps({"id": f"ps-{number:04d}", "text": out.rstrip(), "spans": spoken_gold}) + "\n")
    print("wrote presidio-written.jsonl and presidio-spoken.jsonl")


if __name__ == "__main__":
    main()
