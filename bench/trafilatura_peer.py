#!/usr/bin/env python3
"""Python trafilatura on the extraction benchmark sets, for a side-by-side run
with `chancery eval extraction --peers` (see bench/README.md).

Extracts every page of a set in this one process with trafilatura's default
settings (plain-text output, comments left out), prints pages per second of the
extraction alone and the set's main metric, computed exactly as
../shared/bench/README.md defines it (stdlib only):

- scrapinghub: token 4-gram shingle precision/recall/F1;
- wcxb: bag-of-words precision/recall/F1 of lowercased tokens, also per page type.

Usage: trafilatura_peer.py [BENCH_DIR] [--set scrapinghub|wcxb] [--passes N]
BENCH_DIR defaults to ../shared/bench (relative to the working directory,
i.e. run it from the project root like chancery itself).
"""

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

WORD = re.compile(r"\w+")  # str patterns are Unicode-aware in Python 3


def tokens(text):
    return WORD.findall(text)


# --- Scrapinghub: multiset shingle overlap --------------------------------------------


def shingles(toks, n=4):
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def shingle_scores(truth, prediction):
    """Per-document (precision, recall), or None when a denominator is 0."""
    t, p = shingles(tokens(truth)), shingles(tokens(prediction))
    tp = sum(min(c, p[k]) for k, c in t.items())
    fn = sum(max(0, c - p[k]) for k, c in t.items())
    fp = sum(max(0, c - t[k]) for k, c in p.items())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total

    def ratio(a, b, other_miss):
        if b == 0 and other_miss == 0:
            return 1.0
        if a == 0 and b == 0:
            return 0.0
        return a / (a + b) if a + b else None

    precision = ratio(tp, fp, fn)
    recall = ratio(tp, fn, fp)
    return precision, recall


# --- WCXB: bag of words ----------------------------------------------------------------


def bag_scores(truth, prediction):
    t = Counter(w.lower() for w in tokens(truth))
    p = Counter(w.lower() for w in tokens(prediction))
    t_total, p_total = sum(t.values()), sum(p.values())
    if t_total == 0 and p_total == 0:
        return 1.0, 1.0
    if t_total == 0 or p_total == 0:
        return 0.0, 0.0
    shared = sum(min(c, p[w]) for w, c in t.items())
    return shared / p_total, shared / t_total


def f1_of(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def corpus(scores):
    """Plain means of per-document precision and recall; F1 from the two means
    (the Scrapinghub corpus score)."""
    precisions = [p for p, _ in scores if p is not None]
    recalls = [r for _, r in scores if r is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, f1_of(p, r)


def mean_page_f1(scores):
    """The mean of per-page F1 (WCXB: "F1 ... averaged over pages")."""
    return sum(f1_of(p, r) for p, r in scores) / len(scores) if scores else 0.0


# --- Loading ---------------------------------------------------------------------------


def load(bench, name):
    """[(id, url, html bytes, page type, gold body)] in id order."""
    if name == "scrapinghub":
        root = bench / "extraction" / "scrapinghub-dev"
        truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
        return [
            (
                pid,
                gold.get("url"),
                gzip.decompress((root / "html" / f"{pid}.html.gz").read_bytes()),
                "article",
                gold.get("articleBody") or "",
            )
            for pid, gold in sorted(truth.items())
        ]
    if name == "wcxb":
        root = bench / "extraction" / "wcxb-dev"
        meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
        pages = []
        for pid, info in sorted(meta["files"].items()):
            gold_file = json.loads(
                (root / "ground-truth" / f"{pid}.json").read_text(encoding="utf-8")
            )
            gold = gold_file["ground_truth"]
            pages.append(
                (
                    pid,
                    gold_file.get("url"),
                    gzip.decompress((root / "html" / f"{pid}.html.gz").read_bytes()),
                    info.get("page_type") or "unknown",
                    gold.get("main_content") or "",
                )
            )
        return pages
    raise SystemExit(f"unknown set {name!r}: scrapinghub, wcxb")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench", nargs="?", default="../shared/bench", type=Path)
    parser.add_argument("--set", default="scrapinghub", choices=["scrapinghub", "wcxb"])
    parser.add_argument("--passes", type=int, default=1, help="timed passes; the median counts")
    args = parser.parse_args()

    import trafilatura  # imported late so --help works without it

    pages = load(args.bench, args.set)
    times, outputs, failures = [], [], 0
    for _ in range(max(1, args.passes)):
        outputs, failures = [], 0
        started = time.perf_counter()
        for _pid, url, html, _kind, _gold in pages:
            try:
                text = trafilatura.extract(
                    html.decode("utf-8", errors="replace"),
                    url=url,
                    output_format="txt",
                    include_comments=False,
                )
            except Exception:  # noqa: BLE001 - a refused page scores as empty output
                text, failures = None, failures + 1
            outputs.append(text or "")
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)

    score = shingle_scores if args.set == "scrapinghub" else bag_scores
    per_page = [(kind, score(gold, out)) for (_, _, _, kind, gold), out in zip(pages, outputs)]
    # Each benchmark's own convention, as chancery's scorer: Scrapinghub's F1
    # from the mean precision and recall, WCXB's as the mean of page F1.
    def summary(scores):
        p, r, f1 = corpus(scores)
        return p, r, (f1 if args.set == "scrapinghub" else mean_page_f1(scores))

    p, r, f1 = summary([s for _, s in per_page])
    name = f"trafilatura {trafilatura.__version__} (Python {sys.version.split()[0]})"
    print(f"{name} on {args.set} ({len(pages)} pages, {failures} refused)")
    print(
        f"  precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}  |  "
        f"{len(pages) / seconds:.0f} pages/s (one process, {seconds:.2f} s)"
    )
    if args.set == "wcxb":
        for kind in sorted({k for k, _ in per_page}):
            scores = [s for k, s in per_page if k == kind]
            kp, kr, kf = summary(scores)
            print(f"  {kind:<14} {len(scores):>4} pages  P {kp:.4f}  R {kr:.4f}  F1 {kf:.4f}")

if __name__ == "__main__":
    main()
