"""Ten (or N) copies of the SAG-anon MR series as separate studies, for the vault benchmark.

Each copy gets new Study, Series and SOP Instance UIDs (and Frame of Reference UID), derived
deterministically from the original UID and the copy's number (`2.25.` and 128 bits of a SHA-256,
as a UUID-derived UID), so that the same set is made on every machine, each copy is a new study to
the vault (not a duplicate), and the slices of a copy stay one series. Pixel data and every other attribute stay
as they are. Run by benches/vault/run with the oracle venv's python (pydicom).

Usage: make_mr_copies.py SRC_FOLDER OUT_FOLDER [--copies N]
"""

import argparse
import sys
from pathlib import Path

import hashlib

import pydicom


def new_uid(copy, old):
    # (pydicom's generate_uid ignores its entropy when the prefix is None: not used)
    h = hashlib.sha256(f"scanpass bench mr copy\0{copy}\0{old}".encode()).digest()
    return "2.25." + str(int.from_bytes(h[:16], "big"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=10)
    args = ap.parse_args()
    files = sorted(p for p in Path(args.src).iterdir() if p.suffix == ".dcm")
    if not files:
        sys.exit(f"make_mr_copies: no .dcm file in {args.src}")
    out = Path(args.out)
    for c in range(args.copies):
        folder = out / f"series{c:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for k, f in enumerate(files):
            ds = pydicom.dcmread(f)
            for tag in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID",
                        "FrameOfReferenceUID"):
                if tag in ds:
                    setattr(ds, tag, new_uid(c, getattr(ds, tag)))
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            ds.save_as(folder / f"IM{k:04d}.dcm", enforce_file_format=True)
    print(f"{args.copies} copies of {len(files)} files in {out}")


if __name__ == "__main__":
    main()
