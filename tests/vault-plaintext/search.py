"""Search a vault made from the sample files for the samples' patient data (see `run`).

Needles: PatientName (whole, and each name component), PatientID, PatientBirthDate,
StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID of every sample file pydicom reads; each as
the raw bytes in the file (padding stripped) and, where different, as UTF-8. Values shorter than
6 bytes are skipped. Haystacks: the contents and the relative path of every file and folder in
the vault, and the import's stdout/stderr (file paths the import echoes back are removed first:
they are the patient's own file names, not data read from the files).

Checks (each one pass/fail): the import ran; every collected needle is absent from the vault's
file contents; from the vault's file names; from the import's output. Closing line:
`N passed, N failed`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

KEYWORDS = {
    "PatientName": "patient name",
    "PatientID": "patient ID",
    "PatientBirthDate": "birth date",
    "StudyInstanceUID": "study UID",
    "SeriesInstanceUID": "series UID",
    "SOPInstanceUID": "SOP instance UID",
}
MIN_LEN = 6

warnings.filterwarnings("ignore")  # pydicom's notes on odd sample files are not findings here
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE


def raw_values(path):
    """[(keyword, bytes, raw)] of the attributes above: as stored in the file (raw=True), and
    decoded then encoded as UTF-8 where that differs. `raw` is whether the bytes appear as such
    in the file, which a control search must then find."""
    try:
        data = Path(path).read_bytes()
        ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
    except (InvalidDicomError, Exception):  # noqa: BLE001 - any unreadable file has no needles
        return []
    out = []
    for kw in KEYWORDS:
        tag = pydicom.datadict.tag_for_keyword(kw)
        try:
            raw = ds.get_item(tag)
        except Exception:  # noqa: BLE001
            continue
        if raw is None:
            continue
        value = raw.value
        if isinstance(value, bytes):
            stored = value
        else:  # already converted (e.g. a file read with an unusual character set)
            stored = str(value).encode("utf-8", "replace")
        stored = stored.rstrip(b" \x00")
        if stored:
            # raw: present as such in the file (not in a deflated data set, say)
            out.append((kw, stored, stored in data))
        try:
            text = str(ds[tag].value)
            utf8 = text.encode("utf-8")
            if utf8 and utf8 != stored:
                out.append((kw, utf8, False))
            if kw == "PatientName":
                for part in text.replace("=", "^").split("^"):
                    part = part.strip()
                    if part:
                        out.append((kw + " component", part.encode("utf-8"), False))
        except Exception:  # noqa: BLE001 - undecodable: the raw bytes are searched anyway
            pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the vault folder")
    args = ap.parse_args()
    samples = Path(args.samples)
    passed = failed = 0

    def check(ok, what, detail=""):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {what}{': ' + detail if detail else ''}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="scanpass-plaintext-"))
    vault = work / "vault"
    env = dict(os.environ, SCANPASS_PASSPHRASE="plaintext-test passphrase")
    env.pop("SCANPASS_VAULT", None)
    try:
        # 1. import everything
        p = subprocess.run([args.bin, "--vault", str(vault), "import", str(samples), "--json"],
                           capture_output=True, env=env, timeout=600)
        try:
            summary = json.loads(p.stdout)
        except ValueError:
            summary = None
        ok = p.returncode == 0 and summary is not None and summary["instances_added"] > 0
        check(ok, "import of every sample file",
              f"{summary['instances_added']} instances added, {summary['duplicates']} duplicates, "
              f"{summary['conflicts']} conflicts, {summary['skipped']} skipped, "
              f"{len(summary['errors'])} errors" if summary else
              f"rc={p.returncode} {p.stderr.decode(errors='replace').strip()[:200]}")
        if not ok:
            return finish(passed, failed)

        # 2. needles
        needles = {}  # bytes -> set of kinds
        raw_needles = set()  # the ones stored as such in a sample file
        short = set()
        sample_files = [f for f in sorted(samples.rglob("*")) if f.is_file()]
        read = 0
        for f in sample_files:
            vals = raw_values(f)
            read += bool(vals)
            for kw, v, raw in vals:
                if len(v) < MIN_LEN:
                    short.add(v)
                    continue
                if raw:
                    raw_needles.add(v)
                needles.setdefault(v, set()).add(KEYWORDS.get(kw, "patient name component"))
        by_kind = {}
        for kinds in needles.values():
            for k in kinds:
                by_kind[k] = by_kind.get(k, 0) + 1
        print(f"needles: {len(needles)} distinct values of >= {MIN_LEN} bytes from {read} of "
              f"{len(sample_files)} sample files ("
              + ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items()))
              + f"); {len(short)} shorter value(s) skipped")

        # control: the same search finds every raw needle in the sample files themselves
        _, matches = search_contents(needles, sample_files, work)
        missed = [n for n in raw_needles if not any(n in m for m in matches)]
        check(not missed, f"control: the same search finds all {len(raw_needles)} values stored "
              "as such in the sample files, in those files",
              f"{len(missed)} not found, e.g. {missed[:3]}" if missed else "")

        # 3. haystacks: every file in the vault folder, and every name in it
        files = [f for f in sorted(vault.rglob("*")) if f.is_file()]
        names = [str(f.relative_to(vault)) for f in sorted(vault.rglob("*"))]
        total = sum(f.stat().st_size for f in files)
        print(f"haystack: {len(files)} files in the vault folder ({total / 1e6:.1f} MB), "
              f"{len(names)} names")

        found, _ = search_contents(needles, files, work)
        check(not found, f"no needle in the contents of {len(files)} vault files",
              "; ".join(found[:10]) + (f" (and {len(found) - 10} more)" if len(found) > 10 else ""))

        hits = []
        for name in names:
            nb = name.encode("utf-8", "surrogateescape")
            for n, kinds in needles.items():
                if n in nb:
                    hits.append(f"{'/'.join(sorted(kinds))} in the name {name}")
        check(not hits, f"no needle in the {len(names)} file and folder names of the vault",
              "; ".join(hits[:10]))

        output = p.stdout + p.stderr
        for e in summary["errors"]:
            output = output.replace(json.dumps(e["path"])[1:-1].encode(), b"<path>")
        hits = [f"{'/'.join(sorted(k))}" for n, k in needles.items() if n in output]
        check(not hits, "no needle in the import's output (file paths excepted)",
              f"{len(hits)} found: " + ", ".join(sorted(set(hits))) if hits else "")
        return finish(passed, failed)
    finally:
        if args.keep or failed:
            print(f"vault kept: {vault}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def search_contents(needles, files, work):
    """Every (needle kind, file) found, by GNU grep -F (Aho-Corasick over all needles at once);
    needles with a newline, which grep's pattern file cannot hold, by Python."""
    found = []
    matches = set()
    simple = [n for n in needles if b"\n" not in n]
    pat = work / "needles.bin"
    pat.write_bytes(b"\n".join(simple) + b"\n")
    p = subprocess.run(["grep", "-F", "-a", "-o", "-b", "-H", "-f", str(pat), "--",
                        *map(str, files)],
                       capture_output=True, env=dict(os.environ, LC_ALL="C"))
    if p.returncode not in (0, 1):
        return [f"grep failed: {p.stderr.decode(errors='replace').strip()}"], matches
    for line in p.stdout.splitlines():
        # path:offset:match (paths in the vault hold no ':')
        path, offset, match = split_grep(line)
        matches.add(match)
        kinds = needles.get(match, {"(part of a needle)"})
        found.append(f"{'/'.join(sorted(kinds))} at byte {offset.decode()} of "
                     f"{Path(path.decode()).name}")
    for n in needles:
        if b"\n" in n:
            for f in files:
                if n in f.read_bytes():
                    found.append(f"{'/'.join(sorted(needles[n]))} in {f.name}")
                    matches.add(n)
    return found, matches


def split_grep(line):
    """`path:offset:match` where the path may hold ':' (sample files) but the offset does not."""
    for i in range(len(line)):
        if line[i:i + 1] == b":":
            rest = line[i + 1:]
            num, sep, match = rest.partition(b":")
            if sep and num.isdigit():
                return line[:i], num, match
    return line, b"0", b""


def finish(passed, failed):
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
