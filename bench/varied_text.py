#!/usr/bin/env python3
"""Varied news-like plain text of a given size, for the work-budget
benchmark (bench/budgets.sh): many distinct people, organizations and
places, quotes with and without quote marks, titles, acronyms, numbers, and
paragraphs of uneven length, so that no stage meets only one shape of input.
Deterministic for a given size and seed.

Usage: varied_text.py MEGABYTES [SEED] > doc.txt
       varied_text.py --said LINES > doc.txt   (the output-explosion shape:
       "the market said rates rose and the bank said sales fell." per line)
"""

import random
import sys

SYLLABLES = ("ka ro mi len tas vor an el is ul ber gan dor fel hin jor kul "
             "mar nor pel quin ras sol tam ven wil yar zen bro cha dri fro").split()
COUNTRIES = ["France", "Germany", "Russia", "China", "Japan", "Brazil", "India", "Iran",
             "Turkey", "Egypt", "Chile", "Canada", "Mexico", "Kenya", "Norway", "Spain",
             "Poland", "Italy", "Nigeria", "Peru"]
DEMONYMS = ["French", "German", "Russian", "Chinese", "Japanese", "Brazilian", "Indian",
            "Iranian", "Turkish", "Egyptian"]
TITLES = ["Foreign Minister", "Prime Minister", "President", "Interior Minister",
          "spokeswoman", "Finance Minister", "General", "Senator", "Mr.", "Dr."]
ORG_HEADS = ["Ministry of", "Bank of", "Council of", "Union of", "Institute for",
             "Agency for", "Committee on"]
ORG_TAILS = ["Finance", "Trade", "Energy", "Health", "Defence", "Agriculture", "Transport",
             "Labour", "Justice", "Culture"]
VERBS = ["said", "told reporters", "warned", "added", "announced", "argued", "claimed"]
WORDS = ("council river budget harbour election union court hospital school bridge farmers "
         "police museum airport railway festival market village factory storm teachers "
         "doctors mayor parliament treaty border station library rates sales prices "
         "talks plan deal workers soldiers homes aid exports imports").split()


def name(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4))).capitalize()


def person(rng, people):
    if people and rng.random() < 0.5:
        return rng.choice(people)
    p = f"{name(rng)} {name(rng)}"
    people.append(p)
    if len(people) > 400:
        people.pop(0)
    return p


def organization(rng):
    if rng.random() < 0.3:
        full = f"{name(rng)} {name(rng)} Society"
        acronym = "".join(w[0] for w in full.split()).upper()
        return f"the {full} ({acronym})"
    return f"the {rng.choice(DEMONYMS)} {rng.choice(ORG_HEADS)} {rng.choice(ORG_TAILS)}"


def filler(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng, people):
    kind = rng.randrange(7)
    p = person(rng, people)
    if kind == 0:
        return f"\u201c{filler(rng, rng.randrange(5, 25)).capitalize()},\u201d {p} {rng.choice(VERBS)}."
    if kind == 1:
        return f"{rng.choice(TITLES)} {p} of {rng.choice(COUNTRIES)} {rng.choice(VERBS)} the {filler(rng, rng.randrange(3, 12))} would continue."
    if kind == 2:
        o = organization(rng)
        return f"{o[0].upper() + o[1:]} met officials from {rng.choice(COUNTRIES)} on Monday to discuss {filler(rng, 6)}."
    if kind == 3:
        return f"According to {p}, {rng.randrange(2, 90000):,} {rng.choice(WORDS)} were affected in {rng.choice(COUNTRIES)}."
    if kind == 4:
        return f"{p.split()[1]} said \"{filler(rng, rng.randrange(4, 15))}\" and left."
    if kind == 5:
        return f"The {rng.choice(WORDS)} of {rng.choice(COUNTRIES)} said {filler(rng, rng.randrange(3, 10))} rose and the {rng.choice(WORDS)} said {filler(rng, 3)} fell."
    return f"{filler(rng, rng.randrange(8, 40)).capitalize()}."


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--said":
        # One line per subject pair, so extraction keeps every line (a page
        # of one repeated line reads as a repeated title and is emptied);
        # a title line first, like a real page.
        subjects = WORDS[:12]
        lines = ["Markets and banks in a week of reports\n"]
        for n in range(int(sys.argv[2])):
            a, b = subjects[n % 12], subjects[(n // 12) % 12]
            lines.append(f"the {a} said rates rose and the {b} said sales fell.\n")
        sys.stdout.write("".join(lines))
        return
    size = int(float(sys.argv[1]) * 1_000_000)
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    people = []
    out = [f"{name(rng)} and {name(rng)} in talks over {filler(rng, 3)}\n\n"]
    total = len(out[0])
    while total < size:
        paragraph = " ".join(sentence(rng, people) for _ in range(rng.randrange(1, 7)))
        out.append(paragraph + "\n\n")
        total += len(paragraph.encode()) + 2
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
