#!/usr/bin/env python3
"""Builds Masker's labelled development set (data/devset/devset.jsonl).

Each line is {"id", "source", "text", "spans": [{"kind", "start", "end"}]}; offsets are Python
string (Unicode code point) offsets, the same numbers Masker reports. Values are synthetic: phone
numbers use the fictional 555 exchange, names come from short public lists, identifiers are random
with valid check digits where the format has them. Deterministic: `python3 generate.py` rebuilds
the same file. Standard library only.

Sources of lines:
  call     - call-centre transcripts as speech recognition writes them: lowercase, no punctuation
             or stray commas, digits spoken one by one, "oh", "double", fillers, spelled names
  message  - written messages and web-chat text with formatted identifiers
  clinical - note-style clinical snippets (capitalised, abbreviations)
  negative - PHI-free turns dense with numbers (doses, vitals, counts, times, years) and eponyms
"""
import json
import random
import string

rng = random.Random(20261122)

FIRST = ["sarah", "maria", "james", "robert", "linda", "michael", "jennifer", "david", "patricia", "daniel",
         "aisha", "wei", "priya", "carlos", "olga", "kwame", "fatima", "hiroshi", "grace", "tom"]
LAST = ["chen", "lopez", "smith", "johnson", "williams", "garcia", "nguyen", "patel", "kim", "okafor",
        "brown", "miller", "davis", "martinez", "cohen", "kowalski", "haddad", "murphy", "singh", "reyes"]
STREETS = ["main", "oak", "cedar", "maple", "pine", "elm", "washington", "lake", "hill", "park", "sunset", "river"]
SUFFIXES = [("street", "St"), ("avenue", "Ave"), ("road", "Rd"), ("drive", "Dr"), ("lane", "Ln"), ("boulevard", "Blvd"), ("court", "Ct")]
CITIES = [("seattle", "WA", "washington", "98101"), ("tacoma", "WA", "washington", "98402"), ("portland", "OR", "oregon", "97205"),
          ("austin", "TX", "texas", "78701"), ("denver", "CO", "colorado", "80202"), ("boston", "MA", "massachusetts", "02108"),
          ("phoenix", "AZ", "arizona", "85004"), ("columbus", "OH", "ohio", "43215")]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
DOMAINS = ["gmail", "yahoo", "outlook", "hotmail", "icloud"]
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth",
            10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth", 14: "fourteenth", 15: "fifteenth", 16: "sixteenth",
            17: "seventeenth", 18: "eighteenth", 19: "nineteenth", 20: "twentieth", 30: "thirtieth"}
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
FILLERS = ["uh", "um"]


def spoken_digits(digits, zero_as_oh=0.5, doubles=0.3):
    """Digit by digit, sometimes 'oh' for zero and 'double five' for a repeated pair."""
    words, i = [], 0
    while i < len(digits):
        d = digits[i]
        if i + 1 < len(digits) and digits[i + 1] == d and rng.random() < doubles:
            words.append("double " + ("oh" if d == "0" and rng.random() < zero_as_oh else DIGIT_WORDS[int(d)]))
            i += 2
            continue
        words.append("oh" if d == "0" and rng.random() < zero_as_oh else DIGIT_WORDS[int(d)])
        i += 1
    return " ".join(words)


def below_hundred(n):
    if n >= 100:
        rest = n % 100
        return below_hundred(n // 100) + " hundred" + ("" if rest == 0 else rng.choice([" ", " and "]) + below_hundred(rest))
    if n < 10:
        return DIGIT_WORDS[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + DIGIT_WORDS[n % 10])


def spoken_year(y):
    if 2000 <= y < 2010:
        return "two thousand" + ("" if y == 2000 else (" and " if rng.random() < 0.5 else " ") + DIGIT_WORDS[y - 2000])
    hi, lo = divmod(y, 100)
    if lo == 0:
        return below_hundred(hi) + " hundred"
    if lo < 10:
        return below_hundred(hi) + " oh " + DIGIT_WORDS[lo]
    return below_hundred(hi) + " " + below_hundred(lo)


def spoken_ordinal(n):
    if n in ORDINALS:
        return ORDINALS[n]
    return TENS[n // 10] + " " + ORDINALS[n % 10]


def phone_digits():
    area = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(2))
    return area + "555" + "01" + "".join(rng.choice(string.digits) for _ in range(2))


def luhn_complete(prefix):
    digits = [int(c) for c in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return prefix + str((10 - total % 10) % 10)


def ssn_digits():
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            break
    return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def dea():
    letters = rng.choice("ABFGM") + rng.choice(string.ascii_uppercase)
    d = [rng.randint(0, 9) for _ in range(6)]
    check = ((d[0] + d[2] + d[4]) + 2 * (d[1] + d[3] + d[5])) % 10
    return letters + "".join(map(str, d)) + str(check)


def npi():
    base = str(rng.choice([1, 2])) + "".join(rng.choice(string.digits) for _ in range(8))
    full = luhn_complete("80840" + base)
    return base + full[-1]


def vin():
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    values = {**{str(i): i for i in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
              "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    chars = [rng.choice(alphabet) for _ in range(17)]
    chars[8] = "0"
    total = sum(values[c] * w for c, w in zip(chars, weights))
    chars[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(chars)


def mbi():
    alpha = "ACDEFGHJKMNPQRTUVWXY"
    alnum = alpha + string.digits
    pattern = [("123456789"), alpha, alnum, string.digits, alpha, alnum, string.digits, alpha, alpha, string.digits, string.digits]
    return "".join(rng.choice(p) for p in pattern)


class Line:
    """Assembles text from plain pieces and labelled entity pieces, recording offsets."""

    def __init__(self, source):
        self.source, self.text, self.spans = source, "", []

    def add(self, piece):
        self.text += piece
        return self

    def entity(self, kind, piece):
        start = len(self.text)
        self.text += piece
        self.spans.append({"kind": kind, "start": start, "end": len(self.text)})
        return self


def name_piece(spoken=True):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return (first + " " + last) if spoken else (first.title() + " " + last.title())


def phone_render(digits, style):
    a, e, l = digits[:3], digits[3:6], digits[6:]
    return {
        "paren": f"({a}) {e}-{l}", "dash": f"{a}-{e}-{l}", "dot": f"{a}.{e}.{l}", "plain": digits,
        "plus": f"+1 {a} {e} {l}",
        "spoken_groups": f"{spoken_digits(a)}, {spoken_digits(e)}, {spoken_digits(l)}",
        "spoken_run": spoken_digits(digits),
        "spoken_filler": f"{spoken_digits(a)} {rng.choice(FILLERS)} {spoken_digits(e)} {spoken_digits(l)}",
        "mixed": f"{a} {spoken_digits(e)} {l}",
    }[style]


def call_line():
    line = Line("call")
    first, last = rng.choice(FIRST), rng.choice(LAST)
    kind = rng.randrange(12)
    if kind == 0:
        line.add(rng.choice(["hi um ", "yeah hi ", "hello "])).add("this is ").entity("NAME", first + " " + last)
        line.add(" and my number is ").entity("PHONE", phone_render(phone_digits(), rng.choice(["spoken_groups", "spoken_run", "spoken_filler", "mixed"])))
    elif kind == 1:
        line.add("my date of birth is ")
        y, m, d = rng.randint(1930, 2005), rng.randint(1, 12), rng.randint(1, 28)
        form = rng.randrange(3)
        if form == 0:
            line.entity("DOB", f"{MONTHS[m - 1]} {spoken_ordinal(d)} {spoken_year(y)}")
        elif form == 1:
            line.entity("DOB", f"the {spoken_ordinal(d)} of {MONTHS[m - 1]} {spoken_year(y)}")
        else:
            line.entity("DOB", f"{MONTHS[m - 1]} {d} {y}")
    elif kind == 2:
        line.add("sure my email is ")
        local = first + rng.choice([" dot ", " underscore ", ""]) + last
        line.entity("EMAIL", f"{local} at {rng.choice(DOMAINS)} dot com")
    elif kind == 3:
        line.add("last name is ").entity("NAME", last).add(" that's ").entity("NAME", " ".join(last))
    elif kind == 4:
        number = str(rng.randint(10, 9999))
        street, (suffix, _) = rng.choice(STREETS), rng.choice(SUFFIXES)
        line.add("i live at ").entity("ADDRESS", f"{spoken_digits(number, doubles=0)} {street} {suffix}")
        if rng.random() < 0.5:
            city, _, state, zipcode = rng.choice(CITIES)
            line.add(" in ").entity("ADDRESS", city).add(" ").add(state).add(" zip code ").entity("ADDRESS", spoken_digits(zipcode, doubles=0))
    elif kind == 5:
        digits = ssn_digits()
        line.add(rng.choice(["my social is ", "social security number ", "the last, uh, my ssn is "]))
        line.entity("SSN", f"{spoken_digits(digits[:3])}, {spoken_digits(digits[3:5])}, {spoken_digits(digits[5:])}")
    elif kind == 6:
        mrn = "".join(rng.choice(string.digits) for _ in range(rng.randint(6, 8)))
        line.add(rng.choice(["my medical record number is ", "the mrn is ", "uh chart number "])).entity("MRN", spoken_digits(mrn))
    elif kind == 7:
        member = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + "".join(rng.choice(string.digits) for _ in range(6))
        spelled = " ".join(member[:3].lower()) + " " + spoken_digits(member[3:])
        line.add("member id is ").entity("HEALTH_PLAN", spelled)
    elif kind == 8:
        age = rng.randint(90, 103)
        line.add("she's ").entity("AGE", below_hundred(age) + " years old").add(" and lives alone")
    elif kind == 9:
        line.add("you can call me back at ").entity("PHONE", phone_render(phone_digits(), "spoken_run")).add(" after five")
    elif kind == 10:
        line.add("the fax number is ").entity("FAX", phone_render(phone_digits(), "spoken_groups"))
    else:
        y, m, d = rng.randint(2024, 2026), rng.randint(1, 12), rng.randint(1, 28)
        line.add("my appointment is on ").entity("DATE", f"{MONTHS[m - 1]} {spoken_ordinal(d)}").add(" with doctor ").entity("NAME", last)
    return line


def message_line():
    line = Line("message")
    first, last = rng.choice(FIRST).title(), rng.choice(LAST).title()
    kind = rng.randrange(12)
    if kind == 0:
        line.add("Hi, this is ").entity("NAME", f"{first} {last}").add(". Please call me at ")
        line.entity("PHONE", phone_render(phone_digits(), rng.choice(["paren", "dash", "dot", "plus"]))).add(".")
    elif kind == 1:
        line.add("My email is ").entity("EMAIL", f"{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}.com").add(" if that helps")
    elif kind == 2:
        number = rng.randint(10, 9999)
        street, (_, suffix) = rng.choice(STREETS), rng.choice(SUFFIXES)
        city, code, _, zipcode = rng.choice(CITIES)
        line.add("New address: ").entity("ADDRESS", f"{number} {street.title()} {suffix}, {city.title()}, {code} {zipcode}")
    elif kind == 3:
        y, m, d = rng.randint(1930, 2005), rng.randint(1, 12), rng.randint(1, 28)
        line.add("DOB ").entity("DOB", rng.choice([f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{y}-{m:02d}-{d:02d}"]))
    elif kind == 4:
        digits = ssn_digits()
        line.add("SSN: ").entity("SSN", f"{digits[:3]}-{digits[3:5]}-{digits[5:]}")
    elif kind == 5:
        card = luhn_complete("4" + "".join(rng.choice(string.digits) for _ in range(14)))
        line.add("Charge my card ").entity("ACCOUNT", " ".join(card[i:i + 4] for i in range(0, 16, 4))).add(" please")
    elif kind == 6:
        line.add("Portal link: ").entity("URL", f"https://portal.example.org/patient/{rng.randint(1000, 99999)}")
    elif kind == 7:
        line.add("Logged in from ").entity("IP_ADDRESS", f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
    elif kind == 8:
        m = mbi()
        line.add("Medicare number ").entity("HEALTH_PLAN", f"{m[:4]}-{m[4:7]}-{m[7:]}")
    elif kind == 9:
        line.add("VIN ").entity("VEHICLE", vin()).add(" was in the accident report")
    elif kind == 10:
        line.add("Confirmation number ").entity("OTHER_ID", "".join(rng.choice(string.digits) for _ in range(9)))
    else:
        line.add("Meet ").entity("NAME", first).add(" on ").entity("DATE", f"{MONTHS[rng.randint(0, 11)].title()} {rng.randint(1, 28)}, {rng.randint(2024, 2026)}")
    return line


def clinical_line():
    line = Line("clinical")
    last = rng.choice(LAST).title()
    kind = rng.randrange(8)
    if kind == 0:
        line.add("Pt is a ").entity("AGE", f"{rng.randint(90, 104)}-year-old").add(" female seen by Dr. ").entity("NAME", last)
    elif kind == 1:
        line.add("MRN: ").entity("MRN", "".join(rng.choice(string.digits) for _ in range(7))).add(". Admitted ")
        line.entity("DATE", f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2020, 2026)}")
    elif kind == 2:
        line.add("Prescriber DEA ").entity("LICENSE", dea()).add(", NPI ").entity("LICENSE", npi())
    elif kind == 3:
        line.add("Pacemaker serial number ").entity("DEVICE", f"PM-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}").add(" checked.")
    elif kind == 4:
        line.add("Discharged on ").entity("DATE", f"{MONTHS[rng.randint(0, 11)].title()} {rng.randint(1, 28)}, {rng.randint(2020, 2026)}").add(" to home.")
    elif kind == 5:
        line.add("Contact daughter at ").entity("PHONE", phone_render(phone_digits(), "dash")).add(" (cell).")
    elif kind == 6:
        line.add("Driver's license ").entity("LICENSE", rng.choice(string.ascii_uppercase) + "".join(rng.choice(string.digits) for _ in range(7)))
    else:
        line.add("Follow up with Dr. ").entity("NAME", last).add(" in 2 weeks; BP 128/82, HR 76.")
    return line


NEGATIVES = [
    "take two tablets by mouth three times a day for ten days",
    "blood pressure was one thirty over eighty five",
    "i've had this cough for about three weeks now",
    "she takes metformin 500 mg twice daily and lisinopril 10 mg",
    "the pain is about a seven out of ten",
    "heart rate 72, respiratory rate 16, temperature 98.6",
    "he was diagnosed with parkinson's disease in 2015",
    "no history of crohn's disease or hashimoto's thyroiditis",
    "bell's palsy resolved after about two months",
    "i walk about two miles every morning",
    "the appointment takes around 45 minutes",
    "a 76-year-old man with hypertension",
    "she is seventy six years old",
    "hemoglobin a1c was 7.2 percent",
    "we'll see you in six months",
    "please take 1/2 tablet at bedtime",
    "i smoked a pack a day for twenty years",
    "the clinic opens at eight thirty on monday",
    "ldl cholesterol 130, hdl 45, triglycerides 180",
    "room 4 is on the second floor",
    "i may need a refill next week",
    "he drinks about 3 beers a week",
    "vitamin d 2000 units daily",
    "follow up in 2 to 3 weeks",
    "she had 2 children, both by c-section",
    "oxygen saturation 97 percent on room air",
    "the mri showed a 3 mm lesion",
    "i've lost about 15 pounds since march",
    "my husband drove me here today",
    "we discussed the risks and benefits",
]


def spoken_email_line(extra):
    """An email read out with the name and the digits as separate words ("robert cohen seven four at
    gmail dot com" for robertcohen74@gmail.com). Drawn from its own generator so that adding these
    lines left every earlier line as it was."""
    line = Line("call")
    first, last = extra.choice(FIRST), extra.choice(LAST)
    name = first + extra.choice(["", " "]) + last
    digits = spoken_digits(str(extra.randint(1, 99)), zero_as_oh=0, doubles=0)
    line.add(extra.choice(["mail ", "you can email me at ", "sure it's ", "my email is "]))
    line.entity("EMAIL", f"{name} {digits} at {extra.choice(DOMAINS)} dot com")
    return line


def form_line(extra):
    """A form read or typed line by line (session 14): a number never runs on across a line break,
    and the ZIP code above a phone number is a ZIP code, not part of one long number."""
    line = Line("form")
    first, last = extra.choice(FIRST), extra.choice(LAST)
    number = str(extra.randint(10, 9999))
    street, (suffix, short) = extra.choice(STREETS), extra.choice(SUFFIXES)
    city, code, state, zipcode = extra.choice(CITIES)
    digits = phone_digits()
    if extra.random() < 0.5:
        line.add("patient ").entity("NAME", f"{first} {last}").add("\n")
        # One address over two lines, as the written form below is one span.
        line.entity("ADDRESS", f"{spoken_digits(number, doubles=0)} {street} {suffix}\n{city} {state} {spoken_digits(zipcode, doubles=0)}")
        line.add("\n")
        line.add("phone ").entity("PHONE", phone_render(digits, "spoken_run"))
    else:
        line.add("Name: ").entity("NAME", f"{first.title()} {last.title()}").add("\n")
        line.add("Address: ").entity("ADDRESS", f"{number} {street.title()} {short}, {city.title()}, {code} {zipcode}").add("\n")
        line.add("Phone: ").entity("PHONE", phone_render(digits, extra.choice(["dash", "paren", "dot"])))
    return line


def main():
    lines = []
    for index in range(160):
        lines.append(call_line())
    for index in range(110):
        lines.append(message_line())
    for index in range(70):
        lines.append(clinical_line())
    for text in NEGATIVES:
        lines.append(Line("negative").add(text))
    extra = random.Random(20261123)
    for index in range(16):
        lines.append(spoken_email_line(extra))
    forms = random.Random(20261203)
    for index in range(12):
        lines.append(form_line(forms))
    with open("devset.jsonl", "w") as out:
        for number, line in enumerate(lines, 1):
            out.write(json.dumps({"id": f"{line.source}-{number:04d}", "source": line.source, "text": line.text,
                                  "spans": line.spans}) + "\n")
    print(f"wrote {len(lines)} lines, {sum(len(l.spans) for l in lines)} spans to devset.jsonl")


if __name__ == "__main__":
    main()
