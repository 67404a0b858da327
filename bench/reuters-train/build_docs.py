#!/usr/bin/env python3
"""Rebuild the texts of the reuters-train documents from CoNLL-2003 eng.train.

The CoNLL file is not in this repository (it is not ours to redistribute); this script
reads it where the shared bench keeps it, splits it into documents at each -DOCSTART-
line (the text before the first one is document 0; documents are numbered from 0 as
train-NNNN, the same numbering as reuters-dev), detokenizes each sentence, and writes
{id, title, text} JSON Lines for the ids listed in ids.txt (one id per line, '#'
comments allowed). The first sentence is the title; the rest, sentences joined by
blank lines, is the text. Standard library only.

    python3 build_docs.py [OUT.jsonl] [--conll PATH] [--ids PATH] [--all]

Gold evidence offsets (evidence_start/evidence_end in gold/*.json) index into the
"text" this script writes, so changing the detokenizer means re-checking them
(check_gold.py does that).
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CONLL = os.path.join(HERE, "..", "..", "..", "shared", "bench", "ner", "conll2003", "eng.train")
DEFAULT_OUT = "/tmp/reuters-train-docs.jsonl"


def read_documents(path):
    """List of documents; each a list of sentences; each a list of tokens."""
    docs = [[]]
    sent = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if sent:
                    docs[-1].append(sent)
                    sent = []
                docs.append([])
                continue
            if not line.strip():
                if sent:
                    docs[-1].append(sent)
                    sent = []
                continue
            token = line.split(" ")[0]
            if not token:
                sys.exit("%s:%d: line has no token; is this a CoNLL-2003 file?" % (path, lineno))
            sent.append(token)
    if sent:
        docs[-1].append(sent)
    # A file that starts with -DOCSTART- leaves an empty document 0; drop it so numbering
    # counts documents, not separators.
    if not docs[0]:
        docs.pop(0)
    # A trailing -DOCSTART- opens no document.
    while docs and not docs[-1]:
        docs.pop()
    return docs


NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", "%", ")", "]", "}", "n't", "'s", "'re", "'ve", "'m", "'ll", "'d", "'S", "N'T", "..."}
NO_SPACE_AFTER = {"(", "[", "{", "$"}


def detokenize(tokens):
    """Join one sentence's tokens into text.

    Double quotes pair up from the left within the sentence: an opening one attaches
    to the next token, a closing one to the previous. CoNLL's sentence splits often
    leave a quote unpaired (its partner is in the next or previous sentence); the last
    quote of a sentence with an odd count stays a separate word, as reuters-dev has it.
    """
    n_quotes = tokens.count('"')
    out = ""
    seen_quotes = 0
    attach_next = True  # no space before the first token
    for tok in tokens:
        if tok == '"':
            seen_quotes += 1
            if n_quotes % 2 == 1 and seen_quotes == n_quotes:
                out += ("" if attach_next else " ") + tok
                attach_next = False
            elif seen_quotes % 2 == 1:
                out += ("" if attach_next else " ") + tok
                attach_next = True
            else:
                out += tok
                attach_next = False
            continue
        if attach_next or tok in NO_SPACE_BEFORE:
            out += tok
        else:
            out += " " + tok
        attach_next = tok in NO_SPACE_AFTER
    return out


def build(docs, wanted):
    rows = []
    for doc_id in wanted:
        m = re.fullmatch(r"train-(\d{4})", doc_id)
        if not m:
            sys.exit("ids.txt: %r is not of the form train-NNNN" % doc_id)
        n = int(m.group(1))
        if n >= len(docs):
            sys.exit("ids.txt: %s is past the last document (train-%04d)" % (doc_id, len(docs) - 1))
        sents = [detokenize(s) for s in docs[n]]
        rows.append({"id": doc_id, "title": sents[0], "text": "\n\n".join(sents[1:])})
    return rows


def read_ids(path):
    ids = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                ids.append(line)
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default=DEFAULT_OUT)
    ap.add_argument("--conll", default=DEFAULT_CONLL, help="CoNLL-2003 eng.train")
    ap.add_argument("--ids", default=os.path.join(HERE, "ids.txt"))
    ap.add_argument("--all", action="store_true", help="every document, not just ids.txt")
    a = ap.parse_args()
    if not os.path.exists(a.conll):
        sys.exit("%s not found: pass --conll PATH to CoNLL-2003 eng.train" % a.conll)
    docs = read_documents(a.conll)
    wanted = ["train-%04d" % i for i in range(len(docs))] if a.all else read_ids(a.ids)
    rows = build(docs, wanted)
    with open(a.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("wrote %d documents to %s" % (len(rows), a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
