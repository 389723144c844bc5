#!/usr/bin/env python3
"""Decode + window per slice: scanpass against its peers, in one run, on the same files.

Called by `benches/peers/run` (which activates the Python venv from tests/python/env.sh).
Each peer times "open the file, decode frame 0, apply the modality LUT and the file's default
window (first window in the file, else min/max) to 8 bits" per file:

  pydicom   in-process: dcmread + pixels.pixel_array(index=0, plugin=pylibjpeg)
            + apply_modality_lut + numpy window to uint8
  gdcm      in-process: gdcm.ImageReader + GetBuffer -> numpy + the same numpy window
  scanpass  in-process: `scanpass bench FILE --repeat N --json` (one process per file)
  bare      in-process: the codec library alone on frame 0's bytes (cut out once, untimed), as
            the venv's bindings call it: pylibjpeg-libjpeg (JPEG), pyjpegls (CharLS),
            pylibjpeg-openjpeg (OpenJPEG), pylibjpeg-rle, a numpy copy for native data; no
            parse, no window: the floor the issue 20 goal "within 5% of the bare codec" is
            measured against
  dcmtk     per process: dcmj2pnm (dcml2pnm for JPEG-LS) +on (+Wi 1 | +Wm) -> PNG in /dev/shm
  scanpass  per process: `scanpass render FILE --out X.png`

Each round takes the files one by one and runs every peer on that file back to back, in an
order rotated per file and round, so that a burst of load on this shared machine hits every peer
rather than one. A peer's figure for a file is the median over rounds of its per-round median.
A ratio is peer / scanpass (>1: scanpass is faster), in-process against in-process and
per-process against per-process, taken per round (the two figures measured seconds apart) and
then the median over rounds.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# ---------------------------------------------------------------------------------------------
# Corpus

WG04_SETS = [  # (folder, file suffix, short name)
    ("REF", "UNC", "UNC"),
    ("RLE", "RLE", "RLE"),
    ("JPLL", "JPLL", "JPLL"),
    ("JLSL", "JLSL", "JLSL"),
    ("J2KR", "J2KR", "J2KR"),
    ("J2KI", "J2KI", "J2KI"),
]
WG04_IMAGES = ["CT1", "MR1", "RG3"]
US_FILE = "pydicom/examples_ybr_color.dcm"

JPEG_LS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}
JPEG_2000 = {
    "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92",
    "1.2.840.10008.1.2.4.93", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
    "1.2.840.10008.1.2.4.203",
}
NATIVE = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"}


@dataclass
class Case:
    label: str
    path: str  # absolute
    rel: str  # relative to the samples folder
    ts_uid: str = ""
    ts_name: str = ""
    rows: int = 0
    cols: int = 0
    frames: int = 1
    spp: int = 1
    photometric: str = ""
    window: tuple[float, float] | None = None
    pydicom_plugin: str = ""
    dcmtk_cmd: list[str] | None = None
    dcmtk_skip: str = ""  # reason DCMTK is not tried


def find_cases(samples: Path) -> tuple[list[Case], list[str]]:
    cases, missing = [], []
    for img in WG04_IMAGES:
        for folder, suffix, short in WG04_SETS:
            rel = f"dicom-test-files/WG04/{folder}/{img}_{suffix}"
            p = samples / rel
            if p.is_file():
                cases.append(Case(f"{img} {short}", str(p.resolve()), rel))
            else:
                missing.append(rel)
    p = samples / US_FILE
    if p.is_file():
        cases.append(Case("US ybr 30f", str(p.resolve()), US_FILE))
    else:
        missing.append(US_FILE)
    return cases, missing


def describe(case: Case) -> None:
    from pydicom import dcmread

    ds = dcmread(case.path, stop_before_pixels=True)
    ts = ds.file_meta.TransferSyntaxUID
    case.ts_uid, case.ts_name = str(ts), ts.name
    case.rows, case.cols = int(ds.Rows), int(ds.Columns)
    case.frames = int(ds.get("NumberOfFrames", 1) or 1)
    case.spp = int(ds.get("SamplesPerPixel", 1))
    case.photometric = str(ds.PhotometricInterpretation)
    case.window = first_window(ds)
    if case.ts_uid in NATIVE:
        case.pydicom_plugin = ""  # pydicom's own native decoder
    else:
        case.pydicom_plugin = "pylibjpeg"
    # DCMTK: dcmj2pnm decodes JPEG (dcmjpeg) and RLE; JPEG-LS needs dcml2pnm (dcmjpls);
    # the free toolkit has no JPEG 2000 codec.
    if case.ts_uid in JPEG_2000:
        case.dcmtk_skip = "no JPEG 2000 codec in free DCMTK"
    else:
        tool = "dcml2pnm" if case.ts_uid in JPEG_LS else "dcmj2pnm"
        win = [] if case.spp != 1 else (["+Wi", "1"] if case.window else ["+Wm"])
        case.dcmtk_cmd = [tool, "+on", *win]


def first_window(ds) -> tuple[float, float] | None:
    c, w = ds.get("WindowCenter"), ds.get("WindowWidth")
    if c is None or w is None:
        return None
    c = c[0] if hasattr(c, "__len__") and not isinstance(c, str) else c
    w = w[0] if hasattr(w, "__len__") and not isinstance(w, str) else w
    return float(c), float(w)


# ---------------------------------------------------------------------------------------------
# The 8-bit step shared by both Python peers (plain numpy, as a user of either library would)

def window_u8(values, window: tuple[float, float] | None, invert: bool) -> np.ndarray:
    a = np.asarray(values, dtype=np.float32)
    if window is None:  # min/max
        lo, hi = float(a.min()), float(a.max())
        a = a - lo
        a *= 255.0 / (hi - lo) if hi > lo else 0.0
    else:  # DICOM PS3.3 C.11.2.1.2.1 linear window
        c, w = window
        a = a - (c - 0.5)
        a *= 1.0 / max(w - 1.0, 1.0)
        a += 0.5
        a *= 255.0
    np.clip(a, 0.0, 255.0, out=a)
    if invert:  # MONOCHROME1
        np.subtract(255.0, a, out=a)
    a += 0.5
    return a.astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# Output check: is every peer doing the same work? (untimed)

def read_png(path: str) -> np.ndarray | None:
    """8-bit, non-interlaced PNG (grey, grey+alpha, RGB, RGBA) to (rows, cols, channels);
    None for anything else. Enough for `scanpass render` output; no PIL in the venv."""
    import struct
    import zlib

    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    i, idat, hdr = 8, [], None
    while i + 8 <= len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        i += 12 + n
    if hdr is None:
        return None
    w, h, depth, ctype, _, _, interlace = hdr
    ch = {0: 1, 4: 2, 2: 3, 6: 4}.get(ctype)
    if depth != 8 or interlace or ch is None:
        return None
    stride = w * ch
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, stride + 1)
    out = np.zeros((h, stride), np.uint8)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 1:  # Sub: running sum per channel
            cur = np.cumsum(line.reshape(w, ch), axis=0).reshape(-1) & 255
        elif f == 2:  # Up
            cur = (line + prev) & 255
        else:  # Average, Paeth: left-to-right dependency, pixel by pixel
            cur = np.zeros(stride, np.int32)
            lv, pv = line.tolist(), prev.tolist()
            cv = [0] * stride
            for x in range(stride):
                a = cv[x - ch] if x >= ch else 0
                b = pv[x]
                c = pv[x - ch] if x >= ch else 0
                if f == 3:
                    pred = (a + b) >> 1
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cv[x] = (lv[x] + pred) & 255
            cur = np.asarray(cv, np.int32)
        out[y] = cur
        prev = cur
    return out.reshape(h, w, ch)


def read_pnm(path: str) -> np.ndarray | None:
    """Binary 8-bit PGM/PPM (DCMTK's default output) to (rows, cols, channels)."""
    data = Path(path).read_bytes()
    m = re.match(rb"(P[56])\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m or int(m.group(4)) != 255:
        return None
    w, h, ch = int(m.group(2)), int(m.group(3)), 1 if m.group(1) == b"P5" else 3
    return np.frombuffer(data, np.uint8, count=w * h * ch, offset=m.end()).reshape(h, w, ch)


def compare_u8(got: np.ndarray | None, ref: np.ndarray) -> str:
    """max and mean |difference| between two 8-bit frames (an alpha channel in got dropped)."""
    if got is None:
        return "n/a (PNG format not read)"
    got = got if got.ndim == 3 else got[..., None]
    ref = ref if ref.ndim == 3 else ref[..., None]
    got = got[..., :3] if got.shape[-1] in (3, 4) else got[..., :1]
    if got.shape[-1] == 3 and ref.shape[-1] == 1:
        ref = np.repeat(ref, 3, axis=-1)
    if got.shape != ref.shape:
        return f"shape {got.shape} vs {ref.shape}"
    d = np.abs(got.astype(np.int16) - ref.astype(np.int16))
    return f"max {int(d.max())}, mean {float(d.mean()):.3f}"


def mismatch(check: str) -> bool:
    m = re.match(r"max (\d+), mean ([\d.]+)", check)
    return m is None or float(m.group(2)) > 1.0 or int(m.group(1)) > 8


# ---------------------------------------------------------------------------------------------
# In-process peers

def pydicom_render(case: Case) -> np.ndarray:
    from pydicom import dcmread
    from pydicom.pixels import apply_modality_lut, pixel_array

    ds = dcmread(case.path)
    arr = pixel_array(ds, index=0, decoding_plugin=case.pydicom_plugin)
    if case.spp != 1:
        return arr  # 8-bit colour, already converted to RGB by pydicom: nothing to window
    arr = apply_modality_lut(arr, ds)
    invert = ds.PhotometricInterpretation == "MONOCHROME1"
    return window_u8(arr, first_window(ds), invert)


_GDCM_DTYPES = {
    "UINT8": np.uint8, "INT8": np.int8, "UINT16": np.uint16, "INT16": np.int16,
    "UINT32": np.uint32, "INT32": np.int32, "FLOAT32": np.float32, "FLOAT64": np.float64,
}


def _gdcm_first(sf, tag) -> float | None:
    s = sf.ToString(tag)
    if not s or not s.strip():
        return None
    return float(s.split("\\")[0])


def gdcm_render(case: Case) -> np.ndarray:
    import gdcm

    r = gdcm.ImageReader()
    r.SetFileName(case.path)
    if not r.Read():
        raise RuntimeError("gdcm.ImageReader.Read() failed")
    im = r.GetImage()  # GDCM decodes the whole pixel data (every frame) here / in GetBuffer
    pf = im.GetPixelFormat()
    dtype = _GDCM_DTYPES[pf.GetScalarTypeAsString()]
    spp = pf.GetSamplesPerPixel()
    cols, rows = im.GetDimension(0), im.GetDimension(1)
    # python-gdcm hands the buffer back as a surrogate-escaped str (as pydicom's gdcm handler
    # also does); encoding it back to bytes is part of what a GDCM Python user pays.
    buf = im.GetBuffer().encode("utf-8", "surrogateescape")
    n = rows * cols * spp
    frame = np.frombuffer(buf, dtype=dtype, count=n)
    pi = im.GetPhotometricInterpretation().GetString().strip()
    if spp != 1:
        frame = frame.reshape(rows, cols, spp)
        if pi.startswith("YBR_FULL"):
            from pydicom.pixels import convert_color_space
            frame = convert_color_space(frame, "YBR_FULL", "RGB")
        return frame
    frame = frame.reshape(rows, cols)
    slope, intercept = im.GetSlope(), im.GetIntercept()
    values = frame.astype(np.float32)
    if slope != 1.0 or intercept != 0.0:
        values *= slope
        values += intercept
    sf = gdcm.StringFilter()
    sf.SetFile(r.GetFile())
    c = _gdcm_first(sf, gdcm.Tag(0x0028, 0x1050))
    w = _gdcm_first(sf, gdcm.Tag(0x0028, 0x1051))
    window = (c, w) if c is not None and w is not None else None
    return window_u8(values, window, pi == "MONOCHROME1")


_BARE_FRAMES: dict[str, tuple[bytes, object]] = {}


def _bare_codec(case: Case):
    """(frame 0's bytes, decode function) of the codec library alone; raises where the venv
    has none for this syntax."""
    if case.path in _BARE_FRAMES:
        return _BARE_FRAMES[case.path]
    from pydicom import dcmread
    from pydicom.encaps import generate_frames

    ds = dcmread(case.path)
    ts = case.ts_uid
    if ts in NATIVE:
        n = case.rows * case.cols * case.spp * (int(ds.BitsAllocated) // 8 or 1)
        src, dec = bytes(ds.PixelData[:n]), (lambda b: np.frombuffer(b, dtype=np.uint8).copy())
    else:
        src = next(generate_frames(ds.PixelData, number_of_frames=case.frames))
        if ts == "1.2.840.10008.1.2.5":
            import rle.utils

            px, bpp = case.rows * case.cols, int(ds.BitsAllocated)
            dec = lambda b: rle.utils.decode_frame(b, px, bpp, "<")  # noqa: E731
        elif ts in JPEG_LS:
            import jpeg_ls

            dec = jpeg_ls.decode_from_buffer
        elif ts in JPEG_2000:
            import openjpeg

            dec = openjpeg.decode
        elif ts.startswith("1.2.840.10008.1.2.4."):
            import libjpeg

            dec = libjpeg.decode
        else:
            raise RuntimeError(f"no bare codec here for {case.ts_name}")
    _BARE_FRAMES[case.path] = (src, dec)
    return src, dec


def bare_decode(case: Case):
    src, dec = _bare_codec(case)
    return dec(src)


INPROC = {"pydicom": pydicom_render, "gdcm": gdcm_render, "bare": bare_decode}


def time_inproc(fn, case: Case, repeat: int) -> list[float]:
    fn(case)  # warm-up (imports, page cache, plugin discovery)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(case)
        out.append((time.perf_counter() - t0) * 1e3)
    return out


# ---------------------------------------------------------------------------------------------
# Per-process peers

def spawn_timed(argv: list[str]) -> tuple[float, int]:
    """Run argv with stdio to /dev/null; return (wall ms, exit status)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        acts = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2)]
        exe = shutil.which(argv[0]) or argv[0]
        t0 = time.perf_counter()
        pid = os.posix_spawn(exe, argv, os.environ, file_actions=acts)
        _, status = os.waitpid(pid, 0)
        ms = (time.perf_counter() - t0) * 1e3
    finally:
        os.close(devnull)
    return ms, os.waitstatus_to_exitcode(status)


def peak_rss_mb(argv: list[str], tmp: Path) -> float | None:
    """Peak RSS of one untimed run, from GNU time (a child's own ru_maxrss would include the
    Python driver's memory, which Linux carries over exec of a vfork()ed child)."""
    gnu_time = "/usr/bin/time"
    if not os.access(gnu_time, os.X_OK):
        return None
    out = tmp / "rss.txt"
    p = subprocess.run([gnu_time, "-f", "%M", "-o", str(out), *argv],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return int(out.read_text().split()[-1]) / 1024.0 if p.returncode == 0 else None
    except (OSError, ValueError, IndexError):
        return None


def check_proc(argv: list[str]) -> str:
    """Run once with stderr captured; return '' on success, else a one-line reason."""
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       errors="replace", timeout=300)
    if p.returncode == 0:
        return ""
    lines = [ln.strip() for ln in p.stderr.splitlines() if ln.strip()]
    return (lines[0] if lines else f"exit status {p.returncode}")[:200]


def time_proc(argv: list[str], repeat: int) -> list[float]:
    spawn_timed(argv)  # warm-up (page cache, dynamic loader)
    ms = []
    for _ in range(repeat):
        t, rc = spawn_timed(argv)
        if rc != 0:
            raise RuntimeError(f"{argv[0]} exited with {rc} during timing")
        ms.append(t)
    return ms


# ---------------------------------------------------------------------------------------------
# scanpass bench (in-process timing inside one scanpass process)

def scanpass_bench(bin_: str, cases: list[Case], repeat: int) -> dict[str, float]:
    argv = [bin_, "bench", *[c.path for c in cases], "--repeat", str(repeat), "--json"]
    p = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=3600)
    if p.returncode != 0:
        lines = [ln.strip() for ln in p.stderr.splitlines() if ln.strip()]
        raise RuntimeError(f"scanpass bench: {lines[-1] if lines else 'exit ' + str(p.returncode)}")
    rows = json.loads(p.stdout)
    by_path = {}
    for i, row in enumerate(rows):
        key = _match(row.get("file", ""), cases, i)
        if key is not None and row.get("median_ms") is not None:
            by_path[key] = float(row["median_ms"])
    return by_path


def _match(name: str, cases: list[Case], i: int) -> str | None:
    for c in cases:
        if name in (c.path, c.rel) or (name and os.path.realpath(name) == c.path):
            return c.path
    for c in cases:  # a bare or shortened name
        if name and (c.path.endswith("/" + name) or os.path.basename(name) == Path(c.path).name):
            return c.path
    return cases[i].path if i < len(cases) else None


# ---------------------------------------------------------------------------------------------
# Run

@dataclass
class Results:
    # peer -> case path -> round -> that round's median (ms)
    rounds: dict[str, dict[str, dict[int, float]]] = field(default_factory=dict)
    rss: dict[str, dict[str, float]] = field(default_factory=dict)
    fail: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, peer, path, rnd, value):
        self.rounds.setdefault(peer, {}).setdefault(path, {})[rnd] = value

    def med(self, peer, path) -> float | None:
        v = self.rounds.get(peer, {}).get(path)
        return statistics.median(v.values()) if v else None

    def ratios(self, peer, base, path) -> list[float]:
        """peer/base per round, each round's pair measured back to back."""
        a = self.rounds.get(peer, {}).get(path, {})
        b = self.rounds.get(base, {}).get(path, {})
        return [a[k] / b[k] for k in sorted(a.keys() & b.keys()) if b[k] > 0]

    def ratio(self, peer, base, path) -> float | None:
        """Median over rounds of peer/base."""
        r = self.ratios(peer, base, path)
        return statistics.median(r) if r else None


PEER_COLUMNS = [  # key, column title
    ("scanpass", "scanpass (in-proc)"),
    ("pydicom", "pydicom+pylibjpeg"),
    ("gdcm", "GDCM (python)"),
    ("bare", "bare codec (decode only)"),
    ("scanpass-render", "scanpass render (per proc)"),
    ("dcmtk", "DCMTK dcmj2pnm (per proc)"),
]


def short_err(e: Exception, c: Case) -> str:
    return str(e).replace(c.path, Path(c.path).name)[:200]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(args) -> tuple[list[Case], list[str], Results, dict]:
    samples = Path(args.samples)
    cases, missing = find_cases(samples)
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.label)]
        if not cases:
            raise SystemExit(f"peers: no file label matches --only {args.only!r}")
    if not cases:
        sys.exit(f"no sample files under {samples}")
    for c in cases:
        describe(c)
    res = Results()
    outdir = Path(tempfile.mkdtemp(prefix="scanpass-peers-", dir="/dev/shm"
                                   if os.path.isdir("/dev/shm") else None))
    try:
        # Capability check, once per peer and file (untimed): a peer that cannot decode a file
        # is shown as "—" with the reason. Also compares the 8-bit outputs with pydicom's.
        agree: dict[str, str] = {}
        agree_sp: dict[str, str] = {}
        agree_dcmtk: dict[str, str] = {}
        for c in cases:
            outs = {}
            for name, fn in INPROC.items():
                try:
                    outs[name] = fn(c)
                except Exception as e:  # noqa: BLE001 - any failure means "cannot decode"
                    res.fail.setdefault(name, {})[c.path] = f"{type(e).__name__}: {e}"[:200]
            if "pydicom" in outs and "gdcm" in outs:
                agree[c.label] = compare_u8(outs["gdcm"], outs["pydicom"])
            if c.dcmtk_cmd is None:
                res.fail.setdefault("dcmtk", {})[c.path] = c.dcmtk_skip
            else:
                argv = [*c.dcmtk_cmd, c.path, str(outdir / "dcmtk.png")]
                why = check_proc(argv)
                if why:
                    res.fail.setdefault("dcmtk", {})[c.path] = why
                else:
                    ref = outs.get("pydicom", outs.get("gdcm"))
                    # same options, but PNM: dcmj2pnm writes interlaced PNG, PNM is simpler
                    pnm = [a for a in argv[:-1] if a != "+on"] + [str(outdir / "dcmtk.pnm")]
                    if ref is not None and not check_proc(pnm):
                        agree_dcmtk[c.label] = compare_u8(read_pnm(pnm[-1]), ref)
                    if (m := peak_rss_mb(argv, outdir)) is not None:
                        res.rss.setdefault("dcmtk", {})[c.path] = m
            if args.scanpass:
                argv = [args.scanpass, "render", c.path, "--out", str(outdir / "scanpass.png")]
                why = check_proc(argv)
                if why:
                    res.fail.setdefault("scanpass-render", {})[c.path] = why
                else:
                    ref = outs.get("pydicom", outs.get("gdcm"))
                    if ref is not None:
                        agree_sp[c.label] = compare_u8(read_png(str(outdir / "scanpass.png")),
                                                       ref)
                if not why and (m := peak_rss_mb(argv, outdir)) is not None:
                    res.rss.setdefault("scanpass-render", {})[c.path] = m
                try:  # alone, so that one file it cannot decode does not sink the others
                    if c.path not in scanpass_bench(args.scanpass, [c], 1):
                        raise RuntimeError("no result in bench JSON")
                except Exception as e:  # noqa: BLE001
                    res.fail.setdefault("scanpass", {})[c.path] = short_err(e, c)

        peers = ["pydicom", "gdcm", "bare", "dcmtk"] + (["scanpass", "scanpass-render"]
                                                if args.scanpass else [])
        spent = dict.fromkeys(peers, 0.0)
        # File by file, all peers back to back (order rotated per file and round), so that the
        # figures a ratio divides were taken within seconds of each other.
        for rnd in range(args.rounds):
            t_round = time.perf_counter()
            for i, c in enumerate(cases):
                k = (rnd + i) % len(peers)
                for peer in peers[k:] + peers[:k]:
                    if c.path in res.fail.get(peer, {}):
                        continue
                    t0 = time.perf_counter()
                    try:
                        if peer in INPROC:
                            v = statistics.median(time_inproc(INPROC[peer], c, args.repeat))
                        elif peer == "scanpass":
                            got = scanpass_bench(args.scanpass, [c], args.repeat)
                            if c.path not in got:
                                raise RuntimeError("no result in bench JSON")
                            v = got[c.path]
                        else:
                            argv = ([*c.dcmtk_cmd, c.path, str(outdir / "dcmtk.png")]
                                    if peer == "dcmtk" else
                                    [args.scanpass, "render", c.path, "--out",
                                     str(outdir / "scanpass.png")])
                            v = statistics.median(time_proc(argv, args.proc_repeat))
                    except Exception as e:  # noqa: BLE001 - failed now, though it passed the check
                        res.fail.setdefault(peer, {})[c.path] = short_err(e, c)
                        continue
                    res.add(peer, c.path, rnd, v)
                    spent[peer] += time.perf_counter() - t0
            log(f"round {rnd + 1}/{args.rounds}: {time.perf_counter() - t_round:.1f} s ("
                + ", ".join(f"{p} {t:.1f} s" for p, t in spent.items()) + " so far)")
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return cases, missing, res, {"agree": agree, "agree_sp": agree_sp,
                                  "agree_dcmtk": agree_dcmtk}


# ---------------------------------------------------------------------------------------------
# Report

def fmt_ms(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_ratio(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def fmt_range(v: float) -> str:
    return f"{v:.0f}" if v >= 10 else f"{v:.2g}"


def cell(res: Results, peer: str, path: str, notes: dict[str, int]) -> str:
    v = res.med(peer, path)
    if v is not None:
        return fmt_ms(v)
    why = res.fail.get(peer, {}).get(path)
    if why is None:
        return "—"
    why = why.replace(path, Path(path).name)
    n = notes.setdefault(why, len(notes) + 1)
    return f"— [{n}]"


def tables(cases: list[Case], res: Results, with_scanpass: bool,
           bad: set[str] = frozenset()) -> tuple[str, str]:
    notes: dict[str, int] = {}
    cols = [k for k, _ in PEER_COLUMNS if with_scanpass or not k.startswith("scanpass")]
    titles = dict(PEER_COLUMNS)
    head = ["file", "transfer syntax", "size"] + [titles[k] for k in cols]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 3 + "---:|" * len(cols)]
    for c in cases:
        size = f"{c.cols}×{c.rows}" + (f"×{c.frames}f" if c.frames > 1 else "")
        row = [c.label, ts_short(c), size] + [cell(res, k, c.path, notes) for k in cols]
        lines.append("| " + " | ".join(row) + " |")
    medians = "\n".join(lines)
    if notes:
        medians += "\n\n" + "\n".join(f"[{n}] {why}" for why, n in notes.items())

    if not with_scanpass:
        return medians, ""
    head = ["file", "pydicom / scanpass", "GDCM / scanpass", "DCMTK / scanpass render",
            "fastest peer / scanpass", "scanpass / bare codec"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * 5]
    pairs = [("pydicom", "scanpass", "pydicom"), ("gdcm", "scanpass", "GDCM"),
             ("dcmtk", "scanpass-render", "DCMTK")]
    for c in cases:
        rs = [(res.ratio(p, b, c.path), name) for p, b, name in pairs]
        have = [(r, n) for r, n in rs if r is not None]
        best = min(have) if have else None
        row = [c.label]
        for p, b, _ in pairs:
            r = res.ratios(p, b, c.path)
            cell_ = fmt_ratio(statistics.median(r) if r else None)
            if len(r) > 1:
                cell_ += f" ({fmt_range(min(r))}–{fmt_range(max(r))})"
            row.append(cell_)
        row.append(f"{fmt_ratio(best[0])} ({best[1]})" if best else "—")
        row.append(fmt_ratio(res.ratio("scanpass", "bare", c.path)))
        if c.label in bad:
            row[0] += " ⚠"
        lines.append("| " + " | ".join(row) + " |")
    if bad:
        lines.append("\n⚠ scanpass's rendered image differs from the peers' for this file (see "
                     "Output check): its time there is not a like-for-like comparison.")
    return medians, "\n".join(lines)


def rss_table(cases: list[Case], res: Results) -> str:
    peers = [p for p in ("scanpass-render", "dcmtk") if p in res.rss]
    if not peers:
        return ""
    titles = dict(PEER_COLUMNS)
    lines = ["| file | " + " | ".join(titles[p] for p in peers) + " |",
             "|---|" + "---:|" * len(peers)]
    for c in cases:
        vals = []
        for p in peers:
            v = res.rss.get(p, {}).get(c.path)
            vals.append("—" if v is None else f"{v:.1f}")
        lines.append(f"| {c.label} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def ts_short(c: Case) -> str:
    names = {
        "1.2.840.10008.1.2.1": "Explicit LE", "1.2.840.10008.1.2": "Implicit LE",
        "1.2.840.10008.1.2.5": "RLE", "1.2.840.10008.1.2.4.70": "JPEG Lossless SV1",
        "1.2.840.10008.1.2.4.57": "JPEG Lossless", "1.2.840.10008.1.2.4.80": "JPEG-LS lossless",
        "1.2.840.10008.1.2.4.81": "JPEG-LS near-lossless",
        "1.2.840.10008.1.2.4.90": "JPEG 2000 lossless", "1.2.840.10008.1.2.4.91": "JPEG 2000",
        "1.2.840.10008.1.2.4.50": "JPEG Baseline",
    }
    return names.get(c.ts_uid, c.ts_name)


def versions(args) -> dict[str, str]:
    import importlib.metadata as md

    v = {"python": platform.python_version()}
    for pkg in ("numpy", "pydicom", "pylibjpeg", "pylibjpeg-libjpeg", "pylibjpeg-openjpeg",
                "pylibjpeg-rle", "python-gdcm"):
        try:
            v[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            v[pkg] = "not installed"
    for tool in ("dcmj2pnm", "dcml2pnm"):
        try:
            out = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
            m = re.search(r"v(\d+\.\d+\.\d+)", out)
            v[tool] = m.group(1) if m else "?"
        except FileNotFoundError:
            v[tool] = "not installed"
    if args.scanpass:
        try:
            out = subprocess.run([args.scanpass, "--version"], capture_output=True,
                                 text=True, timeout=30)
            first = (out.stdout.strip() or out.stderr.strip()).splitlines()[0]
            v["scanpass"] = first.removeprefix("scanpass ").strip()
        except Exception:  # noqa: BLE001
            v["scanpass"] = "?"
        root = Path(__file__).resolve().parents[2]
        b = Path(args.scanpass_shown).resolve()
        v["scanpass binary"] = (str(b.relative_to(root)) if b.is_relative_to(root) else str(b)) \
            + f" (sha256 {args.scanpass_sha[:12]})"
    try:
        root = Path(__file__).resolve().parents[2]
        rev = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip()
        v["git"] = rev or "no commit yet"
    except FileNotFoundError:
        v["git"] = "?"
    return v


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "kernel": platform.release()}


def report(args, cases, missing, res, extra, started, load0) -> str:
    with_sp = bool(args.scanpass)
    bad = {k for k, v in extra["agree_sp"].items() if mismatch(v)}
    medians, ratios = tables(cases, res, with_sp, bad)
    rss = rss_table(cases, res)
    ver = versions(args)
    mach = machine()
    load1 = os.getloadavg()
    plugins = sorted({(c.pydicom_plugin or "native") for c in cases})
    used = "\n".join(f"- `{c.rel}` — {c.ts_name}, {c.photometric}, {c.cols}×{c.rows}"
                     + (f", {c.frames} frames" if c.frames > 1 else "")
                     + (f", window C/W {c.window[0]:g}/{c.window[1]:g}" if c.window else
                        (", no window in file: min/max" if c.spp == 1 else ", colour: no window"))
                     for c in cases)
    check = ["| file | GDCM vs pydicom | DCMTK vs pydicom | scanpass render vs pydicom |",
             "|---|---|---|---|"]
    for c in cases:
        g = extra["agree"].get(c.label, "—")
        d = extra["agree_dcmtk"].get(c.label, "—")
        sp = extra["agree_sp"].get(c.label, "—")
        check.append(f"| {c.label} | {g} | {d} | {sp}{' ⚠' if c.label in bad else ''} |")
    out = [
        "## Decode + window per slice",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC by `benches/peers/run"
        + (" --quick" if args.quick else "") + f" --repeat {args.repeat}`. "
        f"Machine: {mach['nproc']} CPUs ({mach['cpu']}), Linux {mach['kernel']}; "
        f"load average {load0[0]:.2f} at start, {load1[0]:.2f} at end (shared machine: "
        "read ratios, not absolute times).",
        "",
        f"Repeats: {args.repeat} timed calls per file per in-process peer per round after one "
        f"warm-up call; {args.proc_repeat} timed processes per file per per-process peer per "
        f"round after one warm-up process; {args.rounds} round(s). A round takes the files one "
        "by one and runs all peers on the file back to back, the order rotated per file and "
        "round. Each figure is the median over rounds of the per-round median.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in ver.items()) + ".",
        "",
        "### Medians (ms)",
        "",
        medians,
        "",
    ]
    if ratios:
        out += [
            "### Ratios (peer / scanpass; > 1 means scanpass is faster)",
            "",
            "In-process peers are divided by `scanpass bench` (in-process); DCMTK, timed per "
            "process, is divided by `scanpass render` (also per process). Each ratio is the "
            "median over rounds of that round's ratio (both figures taken seconds apart), so it "
            "can differ a little from dividing the medians above; in brackets, the lowest and "
            "highest round. \"Fastest peer\" is the smallest of the three ratios.",
            "",
            ratios,
            "",
        ]
    if rss:
        out += ["### Peak memory per process (MB, max RSS)", "", rss, ""]
    out += [
        "### Output check (untimed)",
        "",
        "|difference| of the 8-bit frame against the pydicom peer's (grey levels 0–255; for "
        "scanpass, its `render` PNG without alpha; for DCMTK, the same command writing PNM). "
        "A difference of 1 is rounding (DCMTK truncates), a few levels on the colour file are "
        "YCbCr→RGB rounding; ⚠ marks a real disagreement (mean > 1 or max > 8).",
        "",
        "\n".join(check),
        "",
    ]
    out += [
        "### Method",
        "",
        "Every peer times: open the file, decode frame 0, apply the modality LUT (rescale) and "
        "the file's default window — the first Window Center/Width in the file, else the "
        "min/max of the frame — to 8 bits; MONOCHROME1 is inverted. 8-bit colour is not "
        "windowed.",
        "",
        "- **scanpass (in-proc)**: `scanpass bench FILE --repeat N --json` (it accepts many "
        "files; one process per file here, to interleave with the peers; the process start is "
        "outside the timing). Each call opens the file, decodes frame 0 and renders it with the "
        "default window to RGBA8 — 4 bytes a pixel, where the Python peers make 1 byte a grey "
        "pixel — into an output buffer reused across calls (as a viewer reuses the buffer it "
        "draws from; the Python peers allocate theirs each call). One uncounted warm-up call "
        "per file, then the median.",
        "- **pydicom+pylibjpeg**: `dcmread` + `pydicom.pixels.pixel_array(ds, index=0, "
        f"decoding_plugin=...)` (plugins used: {', '.join(plugins)}; forced, because pydicom "
        "would otherwise pick GDCM where it is installed) + `apply_modality_lut` + a numpy "
        "linear window (float32) to uint8. `index=0` decodes only frame 0.",
        "- **GDCM (python)**: `gdcm.ImageReader().Read()` + `GetBuffer()` (re-encoded to bytes, "
        "as python-gdcm returns a str) + `np.frombuffer` + slope/intercept + the same numpy "
        "window; window read with `gdcm.StringFilter`. GDCM decodes every frame of a "
        "multi-frame file; YBR is converted to RGB with pydicom's `convert_color_space`.",
        "- **bare codec (decode only)**: the codec library alone, called by its Python binding "
        "on frame 0's bytes cut out once by pydicom (untimed): pylibjpeg-libjpeg (Thomas "
        "Richter's libjpeg, not the libjpeg-turbo scanpass uses: none has a binding here) for "
        "JPEG, pyjpegls (CharLS) for JPEG-LS, pylibjpeg-openjpeg (OpenJPEG) for JPEG 2000, "
        "pylibjpeg-rle for RLE, a numpy copy for native data. No parse, no modality LUT, no "
        "window: the floor for issue 20's goal of \"within 5% of the bare codec\" for JPEG-LS "
        "and JPEG 2000; `scanpass / bare codec` above 1 is scanpass's parse, window and RGBA on "
        "top of the codec.",
        "- **DCMTK dcmj2pnm (per proc)**: `dcmj2pnm +on +Wi 1` (or `+Wm` when the file has no "
        "window) writing a PNG to /dev/shm; `dcml2pnm` (same options) for JPEG-LS, which "
        "dcmj2pnm does not decode. Per process: includes process start, dynamic loading, "
        "file parse and PNG encoding.",
        "- **scanpass render (per proc)**: `scanpass render FILE --out X.png` into /dev/shm, "
        "timed the same way, for a fair per-process ratio against DCMTK.",
        "",
        "Process times are wall time from `posix_spawn` to `waitpid` in the Python driver; peak "
        "memory is GNU `/usr/bin/time -f %M` of one extra, untimed run.",
        "",
        "Caveats:",
        "",
        "- Noise: this machine is shared (see the load average above); a ratio can move by "
        "half or more from round to round (the bracketed range). Treat ratios between about "
        "0.7 and 1.4 as a tie, and compare runs by ratio, never by milliseconds.",
        "- Not identical work: scanpass writes 4 bytes a pixel (RGBA8) into a reused buffer; "
        "the Python peers write 1 byte a grey pixel (3 for colour) into a new array and run "
        "their glue (pydicom's file parsing, the numpy window) in the interpreter, which is part "
        "of what a Python user of those libraries pays and weighs most on the fastest rows. "
        "The Output check above confirms that all produce the same image.",
        "- Per-process figures are dominated by process start and library loading (DCMTK loads "
        "its data dictionary on each start), and include PNG encoding at each tool's default "
        "compression; they answer \"open one file from the command line\", not \"next slice "
        "in a running viewer\".",
        "- pydicom's decoder choice is forced to pylibjpeg (JPEG, JPEG-LS, JPEG 2000, RLE); "
        "with its defaults pydicom would use GDCM where installed, and its own pure-Python "
        "RLE decoder is much slower.",
        "",
        "Files used:",
        "",
        used,
        "",
        "Not present in the sample set, so not used: "
        + (", ".join(f"`{m}`" for m in missing) if missing else "none") + ".",
        "",
        "Multi-frame: for the 30-frame ultrasound file (JPEG Baseline, YBR_FULL_422) only "
        "frame 0 is timed, but a whole-file decoder pays for every frame: GDCM's ImageReader "
        "decodes all 30 frames. DCMTK uses partial access to the compressed pixel data and "
        "decodes frame 0 only (twice: once to find the decoded colour model, once to render; "
        "`dcmj2pnm -d` shows it). pydicom reads the whole file but, with `index=0`, decodes "
        "only frame 0.",
    ]
    return "\n".join(out) + "\n"


def write_docs(path: Path, section: str) -> None:
    title = "## Decode + window per slice"
    if path.exists():
        text = path.read_text()
    else:
        text = ("# Benchmarks\n\nMeasured with the method in GUIDE.md §5: peers side by side in "
                "one run, on the same files; ratios and medians.\n\n")
    start = text.find(title + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        nxt = re.search(r"^## ", text[start + len(title):], flags=re.M)
        end = start + len(title) + nxt.start() if nxt else len(text)
        rest = text[end:]
        text = text[:start] + section + ("\n" + rest if rest else "")
    path.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--proc-repeat", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scanpass", default="", help="scanpass binary; empty: peers only")
    ap.add_argument("--docs", default="", help="write the section into this markdown file")
    ap.add_argument("--json-out", default="", help="also write raw results as JSON")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="regex on file labels (e.g. 'RLE', '^RG3')")
    args = ap.parse_args()
    started = _dt.datetime.now(_dt.timezone.utc)
    load0 = os.getloadavg()
    snap = None
    args.scanpass_shown = args.scanpass
    if args.scanpass:
        # Time a snapshot: a rebuild of target/release during the run must not mix versions.
        import hashlib

        snap = Path(tempfile.mkdtemp(prefix="scanpass-bin-"))
        shutil.copy2(args.scanpass, snap / "scanpass")
        args.scanpass = str(snap / "scanpass")
        args.scanpass_sha = hashlib.sha256(Path(args.scanpass).read_bytes()).hexdigest()
    try:
        cases, missing, res, extra = run(args)
        section = report(args, cases, missing, res, extra, started, load0)
    finally:
        if snap is not None:
            shutil.rmtree(snap, ignore_errors=True)
    print(section)
    if args.docs:
        write_docs(Path(args.docs), section)
        log(f"wrote section to {args.docs}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({
            "cases": [c.__dict__ for c in cases], "missing": missing,
            "per_round_medians_ms": res.rounds, "peak_rss_mb": res.rss, "failures": res.fail,
        }, indent=1, default=str))


if __name__ == "__main__":
    main()
