#!/usr/bin/env python3
"""Would a keep/drop rule over the event coder's own output raise dyad-root F1?

Reads the predictions `chancery eval events --write-pred FILE` writes for
reuters-train and reuters-dev, describes every predicted dyad-root tuple by a
few features the coder knows (root, modality, confidence, how often told,
where in the story, source and target sectors, one country on both sides),
and for every rule "drop the tuples with feature a = x (and b = y)" prints how
F1 would move on each set. A rule chosen on train that also lifts dev would be
worth building into the coder; rules that lift train only are noise.

    B=target/release/chancery
    $B eval events --set reuters-train --docs target/rt.jsonl \
        --gold bench/reuters-train/gold --bench ../shared/bench --write-pred /tmp/ptrain.jsonl
    $B eval events --set reuters --bench ../shared/bench --write-pred /tmp/pdev.jsonl
    python3 bench/events-keep-rules.py --train /tmp/ptrain.jsonl --dev /tmp/pdev.jsonl

The scorer's tuple definition is imported from the benchmark's own score.py
(`--bench`, default ../shared/bench), so the tuples are the ones it scores.
"""
import argparse
import collections
import glob
import itertools
import json
import os
import sys


def sector(code):
    if not code:
        return "-"
    if code.startswith(("IGO", "NGO")):
        return code[:3]
    return code[3:6] or "COUNTRY"


def features(tuple_, events):
    first = events[0]
    source = (first.get("source") or {}).get("code")
    target = (first.get("target") or {}).get("code")
    told = sum(len(e.get("mentions") or [1]) for e in events)
    start = min(e["evidence"]["start"] for e in events)
    return {
        "root": tuple_[2],
        "modality": first.get("modality"),
        "confidence": str(round(max(e["confidence"] for e in events), 1)),
        "told": str(min(2, told)),
        "position": str(min(3, start // 400)),
        "source_sector": sector(source),
        "target_sector": sector(target),
        "one_country": str(tuple_[0] == tuple_[1]),
    }


def load(score, gold_dir, pred_path):
    predicted = {}
    with open(pred_path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            predicted[record["id"]] = record["events"]
    rows, gold_total = [], 0
    for path in sorted(glob.glob(os.path.join(gold_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            gold = json.load(f)
        gold_tuples = score.tuples(gold["events"])["dyad-root"]
        gold_total += len(gold_tuples)
        by_tuple = collections.defaultdict(list)
        for event in predicted.get(gold["id"], []):
            for t in score.tuples([event])["dyad-root"]:
                by_tuple[t].append(event)
        for t, events in by_tuple.items():
            rows.append((t in gold_tuples, features(t, events)))
    return rows, gold_total


def f1_after(rows, gold_total, drop):
    matched = sum(ok for ok, f in rows if not drop(f))
    predicted = sum(1 for _, f in rows if not drop(f))
    return 2 * matched / (gold_total + predicted) if gold_total + predicted else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", required=True, help="predictions on reuters-train")
    ap.add_argument("--dev", required=True, help="predictions on reuters-dev")
    ap.add_argument("--bench", default="../shared/bench")
    ap.add_argument("--train-gold", default="bench/reuters-train/gold")
    ap.add_argument("--min-dropped", type=int, default=4,
                    help="ignore rules dropping fewer train tuples than this")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    scorer_dir = os.path.join(args.bench, "events", "reuters-dev")
    sys.path.insert(0, scorer_dir)
    try:
        import score  # the benchmark's reference scorer
    except ImportError:
        sys.exit(f"no score.py in {scorer_dir}: pass --bench pointing at the shared bench folder")
    train, train_gold = load(score, args.train_gold, args.train)
    dev, dev_gold = load(score, os.path.join(scorer_dir, "gold"), args.dev)
    base_train = f1_after(train, train_gold, lambda f: False)
    base_dev = f1_after(dev, dev_gold, lambda f: False)
    print(f"dyad-root F1 now: train {base_train:.4f}  dev {base_dev:.4f}")
    print("precision per feature value (train+dev), right/predicted:")
    per_value = collections.defaultdict(lambda: [0, 0])
    for ok, f in train + dev:
        for k, v in f.items():
            per_value[(k, v)][0] += ok
            per_value[(k, v)][1] += 1
    for k in sorted({k for k, _ in per_value}):
        cells = sorted(((v, n) for (kk, v), n in per_value.items() if kk == k), key=lambda x: -x[1][1])
        print(f"  {k}: " + " ".join(f"{v} {a}/{b}={a / b:.2f}" for v, (a, b) in cells))
    values = sorted({(k, v) for _, f in train + dev for k, v in f.items()})
    rules = [(v,) for v in values] + [
        pair for pair in itertools.combinations(values, 2) if pair[0][0] != pair[1][0]
    ]
    results = []
    for rule in rules:
        def drop(f, rule=rule):
            return all(f[k] == v for k, v in rule)
        dropped = sum(1 for _, f in train if drop(f))
        if dropped < args.min_dropped:
            continue
        results.append((
            f1_after(train, train_gold, drop) - base_train,
            f1_after(dev, dev_gold, drop) - base_dev,
            rule,
            dropped,
        ))
    results.sort(key=lambda r: -r[0])
    print(f"best {args.top} drop rules by train gain (train dF1, dev dF1, train tuples dropped):")
    for train_gain, dev_gain, rule, dropped in results[: args.top]:
        name = " & ".join(f"{k}={v}" for k, v in rule)
        print(f"  {train_gain:+.4f} {dev_gain:+.4f} {dropped:4d}  {name}")
    lifted_both = [r for r in results if r[0] > 0 and r[1] > 0]
    print(f"rules lifting both sets: {len(lifted_both)} of {len(results)}; "
          f"largest train gain among them {max((r[0] for r in lifted_both), default=0):+.4f}")


if __name__ == "__main__":
    main()
