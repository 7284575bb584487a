#!/usr/bin/env python3
"""Builds the surrogate tables of synthetic mode (Sources/MaskerCore/Resources/synthetic) from
public sources on PyPI. Deterministic: the same package versions give byte-identical files.

    python build_tables.py OUTPUT_DIR      (run by scripts/build-synthetic-tables.sh)

Sources (see the README written next to the tables):
- first names by sex and surnames, with frequencies: 1990 US Census, via `names` 0.3.0;
- ZIP code -> city, state and area codes: `zipcodes` 3.0.0.
Street names and suffixes are a short list of the most common US street names, written here.
"""
import os
import sys
from collections import Counter, defaultdict

import names
import zipcodes

OUT = sys.argv[1] if len(sys.argv) > 1 else "."
NAMES_DIR = os.path.dirname(names.__file__)


def census(path):
    """Rows of NAME, frequency percent: the Census files' first two columns."""
    rows = []
    with open(os.path.join(NAMES_DIR, path)) as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2:
                rows.append((parts[0].capitalize(), float(parts[1])))
    return rows


def title(name):
    # Census spells MCDONALD, OBRIEN: keep the common prefixes readable.
    if name.startswith("Mc") and len(name) > 3:
        return "Mc" + name[2:].capitalize()
    return name


def weight(percent):
    # Integer weights keep the files exact across platforms (frequency per 100,000, at least 1).
    return max(1, round(percent * 1000))


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="\n") as handle:
        handle.write(header + "\n")
        for row in rows:
            handle.write("\t".join(str(column) for column in row) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    firsts = []
    for sex, path in (("F", "dist.female.first"), ("M", "dist.male.first")):
        for first, percent in census(path):
            firsts.append((first, sex, weight(percent)))
    write("first_names.tsv", "# name\tsex\tweight (1990 Census frequency per 100,000 of that sex)", firsts)

    surnames = [(title(last), weight(percent)) for last, percent in census("dist.all.last")]
    write("surnames.tsv", "# name\tweight (1990 Census frequency per 100,000)", surnames)

    zips = []
    area_states = defaultdict(Counter)
    for entry in sorted(zipcodes.list_all(), key=lambda entry: entry["zip_code"]):
        if entry["country"] != "US" or not entry["active"] or entry["zip_code_type"] != "STANDARD":
            continue
        codes = sorted(code for code in entry.get("area_codes") or [] if len(code) == 3 and code.isdigit())
        zips.append((entry["zip_code"], entry["city"], entry["state"], ",".join(codes)))
        for code in codes:
            area_states[code][entry["state"]] += 1
    write("zips.tsv", "# zip\tcity\tstate\tarea codes", zips)
    # An area code belongs to the state most of its ZIP codes are in.
    areas = sorted((code, counts.most_common(1)[0][0]) for code, counts in area_states.items())
    write("area_codes.tsv", "# area code\tstate", areas)


if __name__ == "__main__":
    main()
