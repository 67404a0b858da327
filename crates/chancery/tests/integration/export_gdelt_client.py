"""Reads chancery's GDELT tables as the tools that read GDELT's own files do.

1. The `gdelt` PyPI client (gdeltPyR): its downloader's pandas call on a zipped
   GDELT file (tab-separated, no header, event codes as strings), then its column
   names from the codebook tables it ships (`data/events2.csv`, `mentions.csv`,
   `gkg2.csv`). Every table must load with no warning, with the client's column
   count, and with the dtypes of the real GDELT sample rows the client ships
   (`data/events2samp.gz`…) wherever chancery fills the column.
2. pandas with the codebooks' dtypes: INTEGER columns as int64 (a strict load,
   which fails on one empty date), FLOAT as float64, STRING as strings (so "057"
   keeps its zero).

Usage: export_gdelt_client.py DIR   (events.tsv, mentions.tsv, gkg.tsv in DIR)
"""

import io
import os
import sys
import warnings
import zipfile
from pathlib import Path

from importlib.metadata import version

import pandas as pd

warnings.simplefilter("error")  # any pandas warning fails the check

DATA = Path(sys.prefix) / "data"
TABLES = [
    ("events.tsv", "events2.csv", "events2samp.gz"),
    ("mentions.tsv", "mentions.csv", "mentionssamp.gz"),
    ("gkg.tsv", "gkg2.csv", "gkg2samp.gz"),
]
DTYPES = {"INTEGER": "int64", "FLOAT": "float64", "STRING": "string"}


def fail(message):
    print(f"gdelt client round trip: {message}", file=sys.stderr)
    sys.exit(1)


def zipped(path):
    """The file as GDELT serves it: one member in a zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, arcname=path.name.replace(".tsv", ".CSV"))
    buffer.seek(0)
    return buffer


def kind_of(dtype):
    """A dtype's kind: text (object in older pandas, str in pandas 3), int64, float64."""
    name = str(dtype).lower()
    return "text" if name in ("object", "str", "string") else name


def client_load(path, kind):
    # gdelt/parallel.py, _mp_worker: the same call for the same table.
    if kind == "events2.csv":
        return pd.read_csv(zipped(path), compression="zip", sep="\t", header=None,
                           on_bad_lines="skip", dtype={26: "str", 27: "str", 28: "str"})
    return pd.read_csv(zipped(path), compression="zip", sep="\t", header=None,
                       on_bad_lines="skip")


def main():
    folder = Path(sys.argv[1])
    # The client itself is not imported: on import it looks for its CAMEO table
    # beside site-packages rather than where pip puts its data, and fetches it
    # from the network. Its data files and its loading call are what matter.
    print(f"gdelt client {version('gdelt')}, pandas {pd.__version__}")
    for ours, codebook, sample in TABLES:
        path = folder / ours
        schema = pd.read_csv(DATA / codebook)
        names = schema["name"].tolist()
        # 1. As the client loads a GDELT file.
        frame = client_load(path, codebook)
        if frame.shape[1] != len(names):
            fail(f"{ours}: {frame.shape[1]} columns, the client's {codebook} has {len(names)}")
        frame.columns = names
        if frame.empty:
            fail(f"{ours}: no rows")
        real = pd.read_pickle(DATA / sample)
        # Columns the sample rows leave all empty load as float64 NaN there and
        # say nothing about their type.
        real_dtypes = {c.lower(): str(t) for c, t in real.dtypes.items()
                       if not real[c].isna().all()}
        for position, name in enumerate(names):
            column = frame[name]
            if column.isna().all():
                continue  # a column chancery leaves empty: NaN, as in GDELT's own files
            want = real_dtypes.get(name.lower()) or real_dtypes.get(GKG_SAMPLE.get(name, ""))
            # A feature id is a GeoNames number for a place and a FIPS or ADM1
            # code for a country or division: a file whose rows are all places
            # loads as integers where GDELT's mixed sample loads as text, and
            # the codebook's string type (checked strictly below) holds both.
            if name.endswith("FeatureID") and kind_of(column.dtype) == kind_of("int64"):
                continue
            if want is not None and kind_of(column.dtype) != kind_of(want):
                fail(f"{ours}: {name} loads as {column.dtype}, GDELT's sample rows as {want}")
        # 2. With the codebook's dtypes, strictly.
        dtypes = {n: DTYPES[t] for n, t in zip(schema["name"], schema["type"])}
        strict = pd.read_csv(path, sep="\t", header=None, names=names, dtype=dtypes,
                             keep_default_na=False,
                             na_values={n: [""] for n, t in dtypes.items() if t == "float64"})
        for name, kind in dtypes.items():
            if kind_of(strict[name].dtype) != kind_of(kind):
                fail(f"{ours}: {name} is {strict[name].dtype}, the codebook says {kind}")
        if ours == "events.tsv":
            if not (strict["GLOBALEVENTID"] < 2**53).all():
                fail("a GLOBALEVENTID is not below 2^53")
            if not (strict["EventCode"].str.fullmatch(r"\d{2,4}")).all():
                fail("an EventCode lost its leading zero")
            if ((strict["Actor1Code"] == "") & (strict["Actor2Code"] == "")).any():
                fail("an event without an actor code")
            if not (strict["DATEADDED"] % 10000 % 1500 == 0).all():
                fail("a DATEADDED off the 15-minute grid")
        print(f"{ours}: {len(strict)} rows read by the gdelt client and with codebook dtypes")
    print("gdelt client round trip: all tables read with the codebook dtypes, no warnings")


# The client's GKG sample names its columns in lower case after its own
# labels (`v2tone`), not the codebook's (`V1.5TONE`); these are the same columns.
GKG_SAMPLE = {"DATE": "date", "V2Tone": "v2tone"}

if __name__ == "__main__":
    main()
