#!/usr/bin/env python3
"""Invented news for scale tests: N JSON Lines articles built from templates
(countries acting on each other on a given day, a quote, an amount, and a
paragraph of random words so that no two articles are near-duplicates).
Deterministic for a given N and seed.

Usage: synthetic_news.py N [SEED] > corpus.jsonl
"""

import json
import random
import sys

COUNTRIES = ["France", "Germany", "Russia", "China", "Japan", "Brazil", "India", "Iran",
             "Turkey", "Egypt", "Chile", "Canada", "Mexico", "Kenya", "Norway", "Spain"]
ACTS = ["signed an energy agreement with", "accused", "met officials from", "criticised",
        "visited", "sent aid to", "threatened", "praised"]
PEOPLE = ["Anna Berg", "Omar Haddad", "Li Wen", "Maria Costa", "Pavel Orlov", "Sara Nilsen"]
WORDS = ("council river budget harbour election union court hospital school bridge farmers "
         "police museum airport railway festival market village factory storm teachers "
         "doctors mayor parliament treaty border station library").split()
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(n, rng):
    a, b = rng.sample(COUNTRIES, 2)
    act = rng.choice(ACTS)
    person = rng.choice(PEOPLE)
    day = rng.randrange(1, 366)
    month, date = min(12, 1 + (day - 1) // 31), 1 + (day - 1) % 28
    filler = " ".join(rng.choice(WORDS) for _ in range(60))
    text = (
        f"{a} {act} {b} on {rng.choice(DAYS)}, officials said.\n\n"
        f"\"We will not wait any longer,\" said {person}, the foreign minister.\n\n"
        f"The plan covers {rng.randrange(2, 9000):,} {rng.choice(['homes', 'workers', 'soldiers'])}.\n\n"
        f"Report {n}: {filler}."
    )
    return {
        "id": f"synthetic-{n}",
        "url": f"https://news{n % 50}.example.org/story/{n}",
        "title": f"{a} and {b}: story {n}",
        "published": f"2024-{month:02d}-{date:02d}",
        "source": f"synthetic-{n % 50}",
        "text": text,
    }


def main():
    count = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    out = sys.stdout
    for n in range(count):
        out.write(json.dumps(article(n, rng)) + "\n")


if __name__ == "__main__":
    main()
