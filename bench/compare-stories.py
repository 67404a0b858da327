#!/usr/bin/env python3
"""Two stores' stories side by side: how many articles have other story-mates
in the second than in the first, and B-cubed of the second against the first
(1.0 when the stories are the same, whatever their numbers). With --folders,
also the share of same-story pairs whose articles lie in one folder of the
input (for BBC, one category: a story across two categories is surely wrong).
Articles are matched by their store id, so both stores must come from the same
input ingested the same way.

Usage: compare-stories.py [--folders] FIRST_DB SECOND_DB
       (DB: a data directory's chancery.db)
"""

import collections
import itertools
import sqlite3
import sys


def load(db):
    rows = sqlite3.connect(db).execute("SELECT id, story, source FROM articles")
    return {article: (story, (source or "").split("/")[-2:-1]) for article, story, source in rows}


def members(stories):
    groups = collections.defaultdict(set)
    for article, (story, _) in stories.items():
        groups[story].add(article)
    return groups


def folders(db, stories):
    groups = collections.defaultdict(list)
    for story, folder in stories.values():
        groups[story].append(tuple(folder))
    pairs = same = 0
    for folder_list in groups.values():
        for a, b in itertools.combinations(folder_list, 2):
            pairs += 1
            same += a == b
    share = same / pairs if pairs else 1.0
    print(f"{db}: {len(groups)} stories, {pairs} same-story pairs, "
          f"{share:.4f} within one folder ({pairs - same} across folders)")


def main():
    args = sys.argv[1:]
    by_folder = "--folders" in args
    args = [a for a in args if a != "--folders"]
    if len(args) != 2:
        sys.exit(__doc__)
    first, second = load(args[0]), load(args[1])
    if first.keys() != second.keys():
        sys.exit("the two stores hold different articles: ingest the same input into both")
    g1, g2 = members(first), members(second)
    changed = sum(1 for a in first if g1[first[a][0]] != g2[second[a][0]])
    n = len(first)
    p = sum(len(g1[first[a][0]] & g2[second[a][0]]) / len(g2[second[a][0]]) for a in first) / n
    r = sum(len(g1[first[a][0]] & g2[second[a][0]]) / len(g1[first[a][0]]) for a in first) / n
    print(f"{n} articles; {len(g1)} vs {len(g2)} stories; {changed} articles with other "
          f"story-mates; B-cubed of the second against the first P {p:.4f} R {r:.4f} "
          f"F1 {2 * p * r / (p + r):.4f}")
    if by_folder:
        folders(args[0], first)
        folders(args[1], second)


if __name__ == "__main__":
    main()
