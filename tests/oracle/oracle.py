#!/usr/bin/env python3
"""Oracle test: `scanpass decode` against independent decoders on every real sample file.

For every row of ../shared/dicom-samples/MANIFEST.tsv, and of the generated files given with
--generated DIR (`make-seeds --oracle DIR`: kinds of file the corpus lacks, listed as generated/*):

* files listed in expected-errors.tsv must make scanpass exit non-zero (not 101 = panic, no
  timeout) with exactly one line on stderr containing the listed substring (case-insensitive);
* every other file must decode: frame 0, and also the last frame of multi-frame files, are decoded
  by scanpass (`decode FILE --frame N --out OUT.raw --json`) and by an independent reference
  decoder, normalised to the scanpass contract, and compared (see MODES below).

Reference decoders, in order of preference (first one that succeeds is "the oracle"):
  pydicom      pydicom 3 native decoding (uncompressed, deflated, big endian)
  pylibjpeg    pydicom 3 + pylibjpeg plugins (libjpeg: JPEG/JPEG-LS; openjpeg: J2K/HTJ2K; rle)
  pyjpegls     pydicom 3 + pyjpegls (CharLS) for JPEG-LS
  pydicom-rle  pydicom 3's own pure-python RLE decoder
  gdcm         python-gdcm 3.2.6 directly (ImageChangeTransferSyntax to Explicit LE, checked)
  gdcmconv     GDCM 3.0.21 command line (`gdcmconv --raw`), then read natively
  dcmtk        DCMTK 3.6.7 dcmdjpeg / dcmdjpls / dcmdrle to native, then read natively
  crosscheck   a related sample file holding the same image (CROSS_CHECKS below)
The chain per transfer syntax is in default_chain(); per-file exceptions in ORACLE_OVERRIDES.
`--cross` runs every decoder of the chain and compares them with the first; on this corpus all
lossless references agree bit for bit, JPEG-LS near-lossless ones agree exactly, and lossy JPEG
references differ by at most 3 LSB (pylibjpeg's libjpeg vs GDCM/DCMTK's IJG 6b-style IDCT and
chroma upsampling; PSNR >= 55 dB between oracles).

Contract normalisation applied to every reference (documented, counted in the report):
  * YBR_FULL / YBR_FULL_422 -> RGB (pydicom as_rgb=True; gdcm/dcmtk output converted likewise);
    YBR_ICT / YBR_RCT come out of the J2K decoders already as RGB.
  * PALETTE COLOR is not applied (pixel_array never applies it): indices are compared.
  * BitsAllocated 1 -> uint8 0/1 per pixel.
  * Integer data with BitsStored < BitsAllocated: unsigned -> bits above BitsStored cleared,
    signed -> sign-extended from bit BitsStored-1.  If the oracle differed only in those bits the
    number of changed values is reported as "normalised N".
  * dtype = the file's sample type: (u)int{8,16,32} from BitsAllocated/PixelRepresentation,
    float32 for Float Pixel Data, float64 for Double Float Pixel Data (a reference returned in a
    narrower/wider container, e.g. pylibjpeg-openjpeg's precision-based one, is cast back
    after checking the cast is lossless).

MODES (how a file passes), chosen from the transfer syntax:
  exact     native, deflate, RLE, JPEG lossless (.57/.70), JPEG-LS lossless (.80), J2K lossless
            (.90), HTJ2K lossless (.201/.202), deflated image frame (.8.1): same shape, dtype and
            every value (floats: every bit).  Exception "exact+-1": uncompressed/lossless data
            whose Photometric Interpretation is YBR_FULL/YBR_FULL_422 pass with max |diff| <= 1,
            because the YBR->RGB conversion is floating-point arithmetic whose rounding the
            contract does not pin down.
  near      JPEG-LS near-lossless (.81): max |diff| <= NEAR, NEAR read from the SOS marker(s) of
            the frame's codestream (max over scans).  JPEG-LS decoding is deterministic, so two
            conformant decoders should agree exactly; a non-zero diff within NEAR passes but is
            flagged "not exact" in the report.
  psnr      JPEG baseline/extended (.50/.51), JPEG 2000 (.91), HTJ2K (.203): PSNR >= 40 dB with
            peak 2^BitsStored - 1, and |mean diff| <= 0.5 (catches a constant level-shift
            error that PSNR alone lets through on 12/16-bit data).  Different conformant IDCT /
            wavelet / chroma-upsampling implementations differ by a few LSB (PSNR well above
            50 dB; measured between oracles here: >= 55 dB); a wrong colour transform, chroma
            layout, sign or bit depth gives < 30 dB (measured: 4-20 dB).

Usage:
  oracle.py                 full comparison with scanpass
  oracle.py --oracle-only   decode every reference only (self-check of the Python side)
  oracle.py --cross         with --oracle-only: decode with every available oracle, report
                            agreement between them (slower)
  oracle.py --only GLOB     restrict to manifest paths matching GLOB (repeatable)
  oracle.py -v              list every file on stdout (SAG-anon passes are summarised
                            otherwise) and print progress / tracebacks on stderr
Environment: SCANPASS_SAMPLES (corpus, default ../shared/dicom-samples from the repository
root), SCANPASS_BIN (default target/release/scanpass).  Timeout per scanpass call: 60 s.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zlib

import numpy as np

warnings.filterwarnings("ignore")

import pydicom  # noqa: E402
from pydicom.encaps import generate_fragmented_frames  # noqa: E402
from pydicom.pixels import pixel_array  # noqa: E402
from pydicom.pixels.processing import convert_color_space  # noqa: E402
from pydicom.uid import ImplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian  # noqa: E402

import logging  # noqa: E402

logging.getLogger("pydicom").setLevel(logging.CRITICAL)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TIMEOUT_S = 60

# --------------------------------------------------------------------------------------------
# Transfer syntaxes
# --------------------------------------------------------------------------------------------
TS_NAMES = {
    "1.2.840.10008.1.2": "Implicit LE",
    "1.2.840.10008.1.2.1": "Explicit LE",
    "1.2.840.10008.1.2.2": "Explicit BE",
    "1.2.840.10008.1.2.1.99": "Deflated Explicit LE",
    "1.2.840.10008.1.2.5": "RLE",
    "1.2.840.10008.1.2.4.50": "JPEG Baseline",
    "1.2.840.10008.1.2.4.51": "JPEG Extended",
    "1.2.840.10008.1.2.4.57": "JPEG Lossless P14",
    "1.2.840.10008.1.2.4.70": "JPEG Lossless SV1",
    "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
    "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
    "1.2.840.10008.1.2.4.90": "J2K Lossless",
    "1.2.840.10008.1.2.4.91": "J2K",
    "1.2.840.10008.1.2.4.201": "HTJ2K Lossless",
    "1.2.840.10008.1.2.4.202": "HTJ2K Lossless RPCL",
    "1.2.840.10008.1.2.4.203": "HTJ2K",
    "1.2.840.10008.1.2.8.1": "Deflated Image Frame",
    "": "(no TS: ACR-NEMA/implicit LE)",
}
NATIVE = {"", "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"}
JPEG = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"}
JPEGLS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}
J2K = {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
       "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"}
RLE = {"1.2.840.10008.1.2.5"}
EXACT_TS = NATIVE | RLE | {"1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
                           "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
                           "1.2.840.10008.1.2.8.1"}
NEAR_TS = {"1.2.840.10008.1.2.4.81"}
PSNR_TS = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.91",
           "1.2.840.10008.1.2.4.203"}
PSNR_MIN_DB = 40.0
MEAN_DIFF_MAX = 0.5


def category(ts: str) -> str:
    if ts in ("", "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"):
        return "native"
    if ts == "1.2.840.10008.1.2.1.99":
        return "deflated dataset"
    if ts == "1.2.840.10008.1.2.8.1":
        return "deflated image frame"
    if ts in RLE:
        return "RLE"
    if ts in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"):
        return "JPEG lossy"
    if ts in ("1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"):
        return "JPEG lossless"
    if ts == "1.2.840.10008.1.2.4.80":
        return "JPEG-LS lossless"
    if ts == "1.2.840.10008.1.2.4.81":
        return "JPEG-LS near-lossless"
    if ts == "1.2.840.10008.1.2.4.90":
        return "J2K lossless"
    if ts == "1.2.840.10008.1.2.4.91":
        return "J2K lossy"
    if ts in J2K:
        return "HTJ2K"
    return "other"


# --------------------------------------------------------------------------------------------
# Files for which every decoder fails: checked against a related sample holding the same image.
# --------------------------------------------------------------------------------------------
# pydicom-data/liver_deflate.dcm uses Deflated Image Frame Compression (1.2.840.10008.1.2.8.1,
# 2024); no installed oracle (pydicom 3.0.2, GDCM 3.0.21, DCMTK 3.6.7) supports it.  It is a
# 3-frame 512x512 BitsAllocated=1 SEG of the same study/patient/segment ("Liver") as
# pydicom-data/liver_nonbyte_aligned.dcm (3 frames, 510x510, Explicit LE) and
# pydicom/liver_1frame.dcm (1 frame, 512x512, Explicit LE).  Verified when this table was made
# (and re-verified on every run by `verify_crosscheck`): after raw-DEFLATE (RFC 1951) inflation
# of each fragment and LSB-first bit unpacking, frame 0 equals liver_1frame exactly, and frame k
# cropped to [:510, :510] equals liver_nonbyte_aligned frame k with rows/cols 510-511 all zero.
# So: frame 0 <- liver_1frame frame 0; last frame (2) <- liver_nonbyte_aligned frame 2 padded
# with zeros to 512x512.  Headers that must match are listed in "same".
CROSS_CHECKS = {
    "pydicom-data/liver_deflate.dcm": {
        "frames": {
            0: ("pydicom/liver_1frame.dcm", 0, None),
            2: ("pydicom-data/liver_nonbyte_aligned.dcm", 2, (512, 512)),
        },
        "same": ["StudyInstanceUID", "PatientName", "SOPClassUID", "BitsAllocated", "ContentDate"],
    },
}

# Per-file oracle preferences that differ from the default chain (with the reason).
ORACLE_OVERRIDES = {
    # GDCM 3.0.21 decodes this RLE 32-bit RGB differently from pydicom and DCMTK (which agree):
    # never use gdcm as the reference here.
    "pydicom/SC_rgb_rle_32bit.dcm": ["pylibjpeg", "pydicom-rle", "dcmtk"],
    # Generated (--generated): Bits Allocated 12, two samples packed in three bytes. pydicom 3
    # refuses it ("must be 1 or a multiple of 8"); `gdcmconv --raw` copies it still packed;
    # python-gdcm's ImageChangeTransferSyntax unpacks it (Unpacker12Bits) to 16-bit samples.
    "generated/seed-bit12_*": ["gdcm"],
    # Generated: JPEG 2000 with Bits Allocated 1. python-gdcm 3.2.6 aborts the process on these
    # (gdcmImageCodec.cxx:754, an assertion PF.GetBitsAllocated() == PF.GetBitsStored() after it
    # widened the pixels to 8 bits), so GDCM is asked through gdcmconv, in its own process.
    "generated/seed-j2k_bit1_*": ["pylibjpeg", "gdcmconv"],
}


def overrides_for(rel):
    for pattern, chain in ORACLE_OVERRIDES.items():
        if fnmatch.fnmatchcase(rel, pattern):
            return chain
    return None


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
class OracleError(Exception):
    pass


def read_ds(path: str):
    ds = pydicom.dcmread(path, force=True)
    note = None
    ts = str(ds.file_meta.get("TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
    if not ts:
        # No file meta / no TS (ACR-NEMA style): use the encoding pydicom detected while parsing.
        enc = getattr(ds, "original_encoding", None) or (ds.is_implicit_VR, ds.is_little_endian)
        implicit, little = enc
        if implicit and little:
            uid = ImplicitVRLittleEndian
        elif little:
            uid = ExplicitVRLittleEndian
        else:
            uid = ExplicitVRBigEndian
        if not hasattr(ds, "file_meta") or ds.file_meta is None:
            ds.file_meta = pydicom.dataset.FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = uid
        note = f"TS inferred as {uid.name}"
    return ds, note


def pixel_keyword(ds) -> str | None:
    for kw in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        if kw in ds:
            return kw
    return None


def n_frames(ds) -> int:
    v = ds.get("NumberOfFrames", None)
    try:
        n = int(v) if v not in (None, "") else 1
    except (TypeError, ValueError):
        # Scanpass's documented rule (core/src/dicom/image.rs, infer_frames): an unparsable
        # NumberOfFrames over native pixel data holding a whole number (>= 2) of frames counts
        # those frames. Mirror it here, and tell pydicom, so both sides are compared frame by frame.
        kw = pixel_keyword(ds)
        if kw != "PixelData" or ds.file_meta.TransferSyntaxUID.is_compressed:
            raise OracleError(f"invalid NumberOfFrames {v!r}")
        frame_len = int(ds.Rows) * int(ds.Columns) * expected_samples(ds) * int(ds.BitsAllocated) // 8
        total = len(ds.PixelData)
        if frame_len == 0 or total < 2 * frame_len or total % frame_len:
            raise OracleError(f"invalid NumberOfFrames {v!r}")
        n = total // frame_len
        ds.NumberOfFrames = n
    return max(n, 1)


def expected_dtype(ds) -> np.dtype:
    kw = pixel_keyword(ds)
    if kw == "FloatPixelData":
        return np.dtype("float32")
    if kw == "DoubleFloatPixelData":
        return np.dtype("float64")
    ba = int(ds.BitsAllocated)
    pr = int(ds.get("PixelRepresentation", 0) or 0)
    if ba == 1:
        return np.dtype("uint8")
    if ba == 12:
        # two samples packed in three bytes: decoded into 16-bit samples (ARCHITECTURE.md)
        return np.dtype("int16" if pr else "uint16")
    if ba not in (8, 16, 32, 64):
        raise OracleError(f"unexpected BitsAllocated {ba}")
    return np.dtype(("int" if pr else "uint") + str(ba))


def expected_samples(ds) -> int:
    return int(ds.get("SamplesPerPixel", 1) or 1)


def normalise(arr: np.ndarray, ds, notes: list) -> np.ndarray:
    """Bring a reference frame to the scanpass contract (shape, dtype, unused bits)."""
    rows, cols, spp = int(ds.Rows), int(ds.Columns), expected_samples(ds)
    shape = (rows, cols) if spp == 1 else (rows, cols, spp)
    if arr.shape != shape:
        if arr.size == rows * cols * spp:
            arr = arr.reshape(shape)
        else:
            raise OracleError(f"reference shape {arr.shape} != expected {shape}")
    want = expected_dtype(ds)
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.dtype != want:
        cast = arr.astype(want)
        if not np.array_equal(cast.astype(arr.dtype), arr):
            # e.g. unsigned container holding a signed value: reinterpret via the bit pattern
            if arr.dtype.kind in "ui" and want.kind in "ui" and arr.dtype.itemsize == want.itemsize:
                cast = arr.view(want)
            else:
                raise OracleError(f"reference dtype {arr.dtype} does not fit {want} losslessly")
        notes.append(f"dtype {arr.dtype}->{want}")
        arr = cast
    if want.kind in "ui" and "BitsStored" in ds:
        ba, bs = int(ds.BitsAllocated), int(ds.BitsStored)
        if 1 < bs < ba:
            shift = 8 * want.itemsize - bs
            fixed = (arr << shift) >> shift if want.kind == "i" else arr & ((1 << bs) - 1)
            fixed = fixed.astype(want)
            changed = int(np.count_nonzero(fixed != arr))
            if changed:
                notes.append(f"normalised {changed} values (bits above BitsStored={bs})")
            arr = fixed
    return np.ascontiguousarray(arr)


# --------------------------------------------------------------------------------------------
# Reference decoders.  Each returns {frame_index: ndarray (raw, before normalise)}.
# --------------------------------------------------------------------------------------------
def dec_pydicom(path, ds, frames, plugin=""):
    out = {}
    for i in frames:
        kw = {}
        if plugin:
            kw["decoding_plugin"] = plugin
        out[i] = pixel_array(ds, index=i, raw=False, as_rgb=True, **kw)
    return out


def _gdcm_native_buffer(path):
    """Decode with python-gdcm: ImageChangeTransferSyntax to Explicit VR LE (checked), then the
    native buffer.  (ImageReader + GetBuffer alone prints codec errors but still returns a buffer,
    so its success cannot be trusted.)"""
    import gdcm

    r = gdcm.ImageReader()
    r.SetFileName(path)
    if not r.Read():
        raise OracleError("gdcm ImageReader failed")
    im = r.GetImage()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.ExplicitVRLittleEndian))
    change.SetInput(im)
    if not change.Change():
        raise OracleError("gdcm ImageChangeTransferSyntax (decompression) failed")
    out = change.GetOutput()
    buf = out.GetBuffer()
    if isinstance(buf, str):
        buf = buf.encode("utf-8", "surrogateescape")
    if not buf:
        raise OracleError("gdcm returned an empty buffer")
    return out, buf, (r, change)  # keep owners alive: `out` points into them


def dec_gdcm(path, ds, frames):
    im, buf, _owners = _gdcm_native_buffer(path)
    pf = im.GetPixelFormat()
    st = pf.GetScalarTypeAsString()
    dt = {"UINT8": "u1", "INT8": "i1", "UINT16": "<u2", "INT16": "<i2", "UINT32": "<u4",
          "INT32": "<i4", "FLOAT32": "<f4", "FLOAT64": "<f8", "SINGLEBIT": "u1",
          "UINT12": "<u2", "INT12": "<i2"}.get(st)
    if dt is None:
        raise OracleError(f"gdcm scalar type {st}")
    cols, rows = im.GetDimension(0), im.GetDimension(1)
    if (rows, cols) != (int(ds.Rows), int(ds.Columns)):
        raise OracleError(f"gdcm dimensions {rows}x{cols}")
    spp = pf.GetSamplesPerPixel()
    nf = len(buf) // (rows * cols * spp * np.dtype(dt).itemsize) if pf.GetBitsAllocated() != 1 else n_frames(ds)
    if st == "SINGLEBIT" or pf.GetBitsAllocated() == 1:
        bits = np.unpackbits(np.frombuffer(buf, np.uint8), bitorder="little")
        data = bits[: rows * cols * nf].reshape(nf, rows, cols)
    else:
        data = np.frombuffer(buf, dt)[: rows * cols * spp * nf]
        if spp > 1 and im.GetPlanarConfiguration() == 1:
            data = data.reshape(nf, spp, rows, cols).transpose(0, 2, 3, 1)
        else:
            data = data.reshape(nf, rows, cols, spp) if spp > 1 else data.reshape(nf, rows, cols)
    pi = str(im.GetPhotometricInterpretation()).strip()
    return {i: _to_rgb(np.array(data[_check_index(i, nf, "gdcm")]), pi, "gdcm") for i in frames}


def _check_index(i, nf, who):
    if i >= nf:
        raise OracleError(f"{who} output has {nf} frames, need index {i}")
    return i


def _to_rgb(f, pi, who):
    if f.ndim == 3 and pi in ("YBR_FULL", "YBR_FULL_422"):
        if f.dtype != np.uint8:
            raise OracleError(f"{who}: {pi} with {f.dtype}")
        return convert_color_space(f, "YBR_FULL", "RGB")
    if f.ndim == 3 and pi != "RGB":
        raise OracleError(f"{who} output photometric {pi!r} not handled")
    return f


def dec_gdcmconv(path, ds, frames):
    """GDCM command line (Debian build, has 12-bit JPEG): gdcmconv --raw, then read natively."""
    with tempfile.TemporaryDirectory(prefix="oracle-gdcmconv-") as td:
        out = os.path.join(td, "native.dcm")
        p = subprocess.run(["gdcmconv", "--raw", path, out], capture_output=True, timeout=TIMEOUT_S)
        if p.returncode != 0 or not os.path.exists(out):
            msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
            raise OracleError(f"gdcmconv failed: {msg[0] if msg else p.returncode}")
        nds, _ = read_ds(out)
        return {i: pixel_array(nds, index=i, raw=False, as_rgb=True) for i in frames}


DCMTK_TOOL = {**{t: "dcmdjpeg" for t in JPEG}, **{t: "dcmdjpls" for t in JPEGLS}, **{t: "dcmdrle" for t in RLE}}


def dec_dcmtk(path, ds, frames):
    ts = str(ds.file_meta.TransferSyntaxUID)
    tool = DCMTK_TOOL.get(ts)
    if tool is None:
        raise OracleError(f"no dcmtk decompressor for {ts}")
    with tempfile.TemporaryDirectory(prefix="oracle-dcmtk-") as td:
        out = os.path.join(td, "native.dcm")
        p = subprocess.run([tool, "-q", path, out], capture_output=True, timeout=TIMEOUT_S)
        if p.returncode != 0 or not os.path.exists(out):
            msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
            raise OracleError(f"{tool} failed: {msg[0] if msg else p.returncode}")
        nds = pydicom.dcmread(out, force=True)
        # dcmdjpeg converts YBR JPEG to RGB by default (+cp) and updates the PI accordingly
        return {i: pixel_array(nds, index=i, raw=False, as_rgb=True) for i in frames}


def dec_crosscheck(path, ds, frames):
    rel = os.path.relpath(path, SAMPLES)
    spec = CROSS_CHECKS[rel]
    out = {}
    for i in frames:
        if i not in spec["frames"]:
            raise OracleError(f"crosscheck has no source for frame {i}")
        src, idx, pad = spec["frames"][i]
        sds = pydicom.dcmread(os.path.join(SAMPLES, src), force=True)
        for kw in spec["same"]:
            if sds.get(kw) != ds.get(kw):
                raise OracleError(f"crosscheck header mismatch {kw}: {sds.get(kw)!r} vs {ds.get(kw)!r}")
        f = pixel_array(sds, index=idx)
        if pad is not None:
            p = np.zeros(pad + f.shape[2:], f.dtype)
            p[: f.shape[0], : f.shape[1]] = f
            f = p
        out[i] = f
    verify_crosscheck(path, ds, out)
    return out


def verify_crosscheck(path, ds, refs):
    """Independent check of the cross-check table: inflate the Deflated Image Frame fragments."""
    ts = str(ds.file_meta.TransferSyntaxUID)
    if ts != "1.2.840.10008.1.2.8.1" or int(ds.BitsAllocated) != 1:
        return
    nf = n_frames(ds)
    rows, cols = int(ds.Rows), int(ds.Columns)
    frames = list(generate_fragmented_frames(ds.PixelData, number_of_frames=nf))
    for i, ref in refs.items():
        raw = zlib.decompress(b"".join(frames[i]), -15)
        bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")[: rows * cols]
        if not np.array_equal(bits.reshape(rows, cols), ref):
            raise OracleError(f"crosscheck source for frame {i} disagrees with raw-deflate decode")


def default_chain(ts: str) -> list[str]:
    if ts in NATIVE:
        return ["pydicom", "gdcm", "gdcmconv"]
    if ts in RLE:
        return ["pylibjpeg", "pydicom-rle", "gdcm", "gdcmconv", "dcmtk"]
    if ts in JPEG:
        return ["pylibjpeg", "gdcm", "gdcmconv", "dcmtk"]
    if ts in JPEGLS:
        return ["pylibjpeg", "pyjpegls", "gdcm", "gdcmconv", "dcmtk"]
    if ts in J2K:
        return ["pylibjpeg", "gdcm", "gdcmconv"]
    return ["pydicom", "gdcm", "gdcmconv"]


class _QuietStderr:
    """Silence C libraries (gdcm, openjpeg, libjpeg) that print straight to fd 2."""

    def __enter__(self):
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(self.null, 2)

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
        os.close(self.null)
        return False


def run_decoder(name, path, ds, frames):
    with _QuietStderr():
        return _run_decoder(name, path, ds, frames)


def _run_decoder(name, path, ds, frames):
    if name == "pydicom":
        return dec_pydicom(path, ds, frames)
    if name == "pylibjpeg":
        return dec_pydicom(path, ds, frames, "pylibjpeg")
    if name == "pyjpegls":
        return dec_pydicom(path, ds, frames, "pyjpegls")
    if name == "pydicom-rle":
        return dec_pydicom(path, ds, frames, "pydicom")
    if name == "gdcm":
        return dec_gdcm(path, ds, frames)
    if name == "gdcmconv":
        return dec_gdcmconv(path, ds, frames)
    if name == "dcmtk":
        return dec_dcmtk(path, ds, frames)
    if name == "crosscheck":
        return dec_crosscheck(path, ds, frames)
    raise ValueError(name)


def reference(rel, path, ds, ts, frames, all_decoders=False):
    """Return (oracle name, {frame: normalised ndarray}, notes, tried) - first decoder that works.

    With all_decoders=True, also return every decoder's normalised output (for --cross)."""
    chain = overrides_for(rel) or default_chain(ts)
    if rel in CROSS_CHECKS:
        chain = chain + ["crosscheck"]
    tried, results = [], {}
    for name in chain:
        notes = []
        try:
            raw = run_decoder(name, path, ds, frames)
            norm = {i: normalise(a, ds, notes) for i, a in raw.items()}
        except Exception as e:  # noqa: BLE001 - any decoder failure means "try the next one"
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            tried.append(f"{name}: {msg[:100]}")
            continue
        results[name] = (norm, sorted(set(notes)))
        if not all_decoders:
            break
    if not results:
        raise OracleError("no oracle decodes it: " + " | ".join(tried))
    first = next(iter(results))
    return first, results[first][0], results[first][1], tried, results


# --------------------------------------------------------------------------------------------
# JPEG-LS NEAR from the SOS marker(s)
# --------------------------------------------------------------------------------------------
def jls_near(ds, frame_index: int) -> int:
    nf = n_frames(ds)
    frame = b"".join(list(generate_fragmented_frames(ds.PixelData, number_of_frames=nf))[frame_index])
    near, pos, found = 0, 0, False
    while True:
        pos = frame.find(b"\xff\xda", pos)
        if pos < 0:
            break
        ns = frame[pos + 4]
        near = max(near, frame[pos + 5 + 2 * ns])
        found = True
        pos += 2
    if not found:
        raise OracleError("no SOS marker in JPEG-LS codestream")
    return near


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------
def diff_stats(a: np.ndarray, b: np.ndarray):
    d = a.astype(np.float64) - b.astype(np.float64)
    return d, float(np.nanmax(np.abs(d))) if d.size else 0.0


def first_diff(a, b):
    idx = np.argwhere(a != b)
    if not len(idx):
        return ""
    p = tuple(int(x) for x in idx[0])
    return f"first diff at {p}: scanpass={a[p].item()!r} oracle={b[p].item()!r}; {len(idx)} of {a.size} values differ"


def compare(mode, got: np.ndarray, ref: np.ndarray, ds, near=None):
    """Return (ok, metric string, detail)."""
    if got.shape != ref.shape:
        return False, "shape", f"shape scanpass {got.shape} vs oracle {ref.shape}"
    if got.dtype != ref.dtype:
        return False, "dtype", f"dtype scanpass {got.dtype} vs oracle {ref.dtype}"
    if ref.dtype.kind == "f":
        ok = got.tobytes() == ref.tobytes()
        if ok:
            return True, "exact", ""
        _, mx = diff_stats(got, ref)
        return False, f"maxdiff={mx:g}", first_diff(got.view(f"u{got.itemsize}"), ref.view(f"u{ref.itemsize}"))
    d, mx = diff_stats(got, ref)
    if mode == "exact":
        if mx == 0:
            return True, "exact", ""
        return False, f"maxdiff={mx:g}", first_diff(got, ref)
    if mode == "exact+-1":
        m = "exact" if mx == 0 else f"maxdiff={mx:g} (<=1 allowed)"
        return mx <= 1, m, "" if mx <= 1 else first_diff(got, ref)
    if mode == "near":
        m = f"NEAR={near} maxdiff={mx:g}" + ("" if mx == 0 else " (not exact)")
        return mx <= near, m, "" if mx <= near else first_diff(got, ref)
    if mode == "psnr":
        bs = int(ds.get("BitsStored", ds.BitsAllocated))
        peak = float((1 << bs) - 1)
        mse = float(np.mean(d * d))
        psnr = math.inf if mse == 0 else 10 * math.log10(peak * peak / mse)
        mean = float(np.mean(d))
        m = ("PSNR=inf (exact)" if mse == 0 else f"PSNR={psnr:.1f}dB") + f" maxdiff={mx:g} mean={mean:+.3f}"
        ok = psnr >= PSNR_MIN_DB and abs(mean) <= MEAN_DIFF_MAX
        return ok, m, "" if ok else f"needs PSNR>={PSNR_MIN_DB}dB (peak {peak:g}) and |mean|<={MEAN_DIFF_MAX}; " + first_diff(got, ref)
    raise ValueError(mode)


def mode_for(ts, ds):
    if ts in NEAR_TS:
        return "near"
    if ts in PSNR_TS:
        return "psnr"
    pi = str(ds.get("PhotometricInterpretation", "")).strip()
    if pi in ("YBR_FULL", "YBR_FULL_422"):
        return "exact+-1"
    return "exact"


# --------------------------------------------------------------------------------------------
# scanpass
# --------------------------------------------------------------------------------------------
def run_scanpass(path, frame, outdir):
    out = os.path.join(outdir, f"f{frame}.raw")
    if os.path.exists(out):
        os.unlink(out)
    cmd = [SCANPASS, "decode", path, "--frame", str(frame), "--out", out, "--json"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "secs": TIMEOUT_S}
    return {"rc": p.returncode, "stdout": p.stdout.decode(errors="replace"),
            "stderr": p.stderr.decode(errors="replace"), "out": out, "secs": time.monotonic() - t0}


def stderr_lines(s):
    return [ln for ln in s.splitlines() if ln.strip()]


def load_scanpass_output(res):
    """Parse --json and the raw file; returns (ndarray, json dict) or raises OracleError."""
    try:
        meta = json.loads(res["stdout"].strip())
    except json.JSONDecodeError:
        raise OracleError(f"stdout is not one JSON object: {res['stdout'][:120]!r}")
    for k in ("rows", "cols", "samples", "dtype", "frame", "frames"):
        if k not in meta:
            raise OracleError(f"JSON lacks {k!r}: {meta}")
    try:
        dt = np.dtype(meta["dtype"]).newbyteorder("<")
    except TypeError:
        raise OracleError(f"JSON dtype {meta['dtype']!r} is not a numpy dtype name")
    if np.dtype(meta["dtype"]).name != meta["dtype"]:
        raise OracleError(f"JSON dtype {meta['dtype']!r} is not spelled as numpy does")
    if not os.path.exists(res["out"]):
        raise OracleError("exit 0 but no --out file written")
    buf = open(res["out"], "rb").read()
    r, c, s = int(meta["rows"]), int(meta["cols"]), int(meta["samples"])
    want = r * c * s * dt.itemsize
    if len(buf) != want:
        raise OracleError(f"--out has {len(buf)} bytes, JSON says {r}x{c}x{s} {meta['dtype']} = {want}")
    arr = np.frombuffer(buf, dt).astype(dt.newbyteorder("="))
    arr = arr.reshape((r, c) if s == 1 else (r, c, s))
    return arr, meta


# --------------------------------------------------------------------------------------------
# Expected errors
# --------------------------------------------------------------------------------------------
def load_expected_errors():
    p = os.path.join(HERE, "expected-errors.tsv")
    entries = []
    with open(p, newline="") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0] == "path":
                continue
            entries.append({"pattern": parts[0], "substring": parts[1], "why": parts[2], "used": 0})
    return entries


def expected_error_for(rel, entries):
    for e in entries:
        if fnmatch.fnmatchcase(rel, e["pattern"]):
            e["used"] += 1
            return e
    return None


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
def short_ts(ts):
    return TS_NAMES.get(ts, ts)


def process(row, entries, args, tmpdir):
    rel = row["path"]
    path = row.get("abs") or os.path.join(SAMPLES, rel)
    rec = {"file": rel, "ts": "", "cat": "", "oracle": "-", "result": "FAIL", "metric": "", "detail": "",
           "notes": []}
    try:
        ds, tsnote = read_ds(path)
        ts = "" if tsnote else str(ds.file_meta.TransferSyntaxUID)
        if tsnote:
            rec["notes"].append(tsnote)
    except Exception as e:  # unreadable by pydicom
        ds, ts = None, row.get("transfer_syntax_uid", "")
        rec["notes"].append(f"pydicom cannot parse: {str(e)[:80]}")
    rec["ts"] = short_ts(ts)
    rec["cat"] = category(ts)
    exp = expected_error_for(rel, entries)

    # ---- expected error -------------------------------------------------------------------
    if exp is not None:
        rec["cat"] = "expected error"
        rec["oracle"] = "(expected error)"
        has_pixels = ds is not None and pixel_keyword(ds) is not None
        if args.oracle_only or args.cross:
            # informational: can any oracle decode it?
            if has_pixels:
                try:
                    name, _, _, _, _ = reference(rel, path, ds, ts, [0])
                    rec["notes"].append(f"note: oracle {name} decodes it")
                except Exception as e:  # noqa: BLE001
                    rec["notes"].append(f"no oracle decodes it ({str(e)[:60]})")
            else:
                rec["notes"].append("no pixel data element")
            rec["result"] = "PASS"
            rec["metric"] = f"expects {exp['substring']!r}"
            return rec
        res = run_scanpass(path, 0, tmpdir)
        if res.get("timeout"):
            rec["detail"] = f"timeout after {TIMEOUT_S}s (expected error {exp['substring']!r})"
            return rec
        lines = stderr_lines(res["stderr"])
        rec["metric"] = f"rc={res['rc']}"
        if res["rc"] == 0:
            rec["detail"] = f"exit 0, expected error containing {exp['substring']!r}; stdout={res['stdout'].strip()[:100]}"
        elif res["rc"] == 101:
            rec["detail"] = f"panic (exit 101): {' / '.join(lines)[:300]}"
        elif len(lines) != 1:
            rec["detail"] = f"stderr has {len(lines)} lines, want exactly 1: {' / '.join(lines)[:300]}"
        elif exp["substring"].lower() not in lines[0].lower():
            rec["detail"] = f"stderr {lines[0]!r} lacks {exp['substring']!r}"
        else:
            rec["result"] = "PASS"
            rec["detail"] = lines[0]
        return rec

    # ---- must decode ----------------------------------------------------------------------
    if ds is None:
        rec["detail"] = "pydicom cannot parse the file and it is not in expected-errors.tsv"
        return rec
    if pixel_keyword(ds) is None:
        rec["detail"] = "file has no pixel data and is not in expected-errors.tsv"
        return rec
    try:
        nf = n_frames(ds)
    except OracleError as e:
        rec["detail"] = f"oracle: {e}"
        return rec
    frames = [0] if nf == 1 else [0, nf - 1]
    try:
        oname, refs, onotes, tried, allres = reference(rel, path, ds, ts, frames, all_decoders=args.cross)
    except Exception as e:  # noqa: BLE001
        rec["oracle"] = "NONE"
        rec["detail"] = f"oracle: {e}"
        return rec
    rec["oracle"] = oname
    rec["notes"] += onotes
    if tried:
        rec["notes"].append("fallback after " + "; ".join(tried))
    mode = mode_for(ts, ds)

    if args.oracle_only:
        r0 = refs[0]
        rec["result"] = "PASS"
        rec["metric"] = f"{mode} {'x'.join(map(str, r0.shape))} {r0.dtype} frames={nf}"
        if mode == "near":
            rec["metric"] += f" NEAR={jls_near(ds, 0)}"
        if args.cross and len(allres) > 1:
            agree = []
            for other, (onorm, _) in allres.items():
                if other == oname:
                    continue
                parts = []
                for i in frames:
                    ok, m, _ = compare(mode, onorm[i], refs[i], ds, near=jls_near(ds, i) if mode == "near" else None)
                    parts.append(m)
                agree.append(f"{other}: {'/'.join(parts)}")
            rec["notes"].append("cross: " + "; ".join(agree))
        return rec

    metrics, details, ok_all = [], [], True
    for i in frames:
        res = run_scanpass(path, i, tmpdir)
        if res.get("timeout"):
            ok_all = False
            details.append(f"frame {i}: timeout after {TIMEOUT_S}s")
            continue
        lines = stderr_lines(res["stderr"])
        if res["rc"] != 0:
            ok_all = False
            kind = "panic (exit 101)" if res["rc"] == 101 else f"exit {res['rc']}"
            details.append(f"frame {i}: {kind}: {' / '.join(lines)[:300]}")
            continue
        try:
            got, meta = load_scanpass_output(res)
        except OracleError as e:
            ok_all = False
            details.append(f"frame {i}: {e}")
            continue
        ref = refs[i]
        want_meta = {"rows": int(ds.Rows), "cols": int(ds.Columns), "samples": expected_samples(ds),
                     "dtype": ref.dtype.name, "frame": i, "frames": nf}
        bad = {k: (meta.get(k), v) for k, v in want_meta.items() if meta.get(k) != v}
        if bad:
            ok_all = False
            details.append(f"frame {i}: JSON mismatch (scanpass, expected): {bad}")
        near = jls_near(ds, i) if mode == "near" else None
        ok, m, det = compare(mode, got, ref, ds, near=near)
        metrics.append(m if len(frames) == 1 else f"f{i}:{m}")
        if not ok:
            ok_all = False
            details.append(f"frame {i}: {det or m}")
        if lines:
            rec["notes"].append(f"stderr on success: {lines[0][:100]}")
    rec["metric"] = "; ".join(metrics)
    rec["detail"] = " | ".join(details)
    rec["result"] = "PASS" if ok_all else "FAIL"
    return rec


def main():
    global SAMPLES, SCANPASS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--oracle-only", action="store_true")
    ap.add_argument("--cross", action="store_true")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--generated", default="",
                    help="also check the files of this folder's MANIFEST.tsv (written by "
                         "`make-seeds --oracle DIR`), listed as generated/<name>")
    ap.add_argument("--report", default=os.path.join(ROOT, "tests", "out", "oracle-report.md"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.cross:
        args.oracle_only = True

    SAMPLES = os.path.abspath(os.environ.get("SCANPASS_SAMPLES") or os.path.join(ROOT, "..", "shared", "dicom-samples"))
    manifest = os.path.join(SAMPLES, "MANIFEST.tsv")
    if not os.path.isfile(manifest):
        bar = "!" * 78
        print(f"{bar}\nSKIP: oracle test NOT RUN - sample corpus not found at {SAMPLES}\n"
              f"(set SCANPASS_SAMPLES to the dicom-samples folder)\n{bar}")
        print("0 passed, 0 failed")
        return 0
    SCANPASS = os.path.abspath(os.environ.get("SCANPASS_BIN") or os.path.join(ROOT, "target", "release", "scanpass"))
    if not args.oracle_only and not os.access(SCANPASS, os.X_OK):
        print(f"FAIL: scanpass binary not found/executable at {SCANPASS} (set SCANPASS_BIN)")
        print("0 passed, 1 failed")
        return 1

    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if args.generated:
        with open(os.path.join(args.generated, "MANIFEST.tsv"), newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                r["abs"] = os.path.join(args.generated, r["path"])
                r["path"] = "generated/" + r["path"]
                rows.append(r)
    if args.only:
        rows = [r for r in rows if any(fnmatch.fnmatchcase(r["path"], g) for g in args.only)]
    entries = load_expected_errors()

    t0 = time.monotonic()
    recs = []
    with tempfile.TemporaryDirectory(prefix="scanpass-oracle-") as td:
        for row in rows:
            try:
                rec = process(row, entries, args, td)
            except Exception as e:  # noqa: BLE001 - a bug here must show as a failure, not abort
                rec = {"file": row["path"], "ts": "", "cat": "?", "oracle": "?", "result": "FAIL",
                       "metric": "", "detail": f"oracle.py error: {type(e).__name__}: {e}", "notes": []}
                if args.verbose:
                    traceback.print_exc()
            recs.append(rec)
            if args.verbose:
                print(f"{rec['result']:4} {rec['file']} {rec['metric']} {rec['detail']}", file=sys.stderr)
    secs = time.monotonic() - t0

    unused = [e["pattern"] for e in entries if e["used"] == 0]
    if unused and not args.only:
        recs.append({"file": "expected-errors.tsv", "ts": "", "cat": "config", "oracle": "-", "result": "FAIL",
                     "metric": "", "detail": f"patterns matching no manifest file: {unused}", "notes": []})

    write_outputs(recs, args, secs)
    failed = sum(r["result"] != "PASS" for r in recs)
    passed = len(recs) - failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def write_outputs(recs, args, secs):
    title = "Oracle self-check (references only)" if args.oracle_only else "scanpass decode vs oracles"
    hdr = ["file", "TS", "oracle", "result", "metric"]
    # --- stdout table -------------------------------------------------------------------
    # SAG-anon: 192 files of one series; listed individually in the report, summarised here.
    w = [min(72, max(len(r["file"]) for r in recs)), 22, 16, 6]
    print(f"== {title}: {len(recs)} files, {secs:.1f}s, samples {SAMPLES}")
    print(f"{'file':{w[0]}} {'TS':{w[1]}} {'oracle':{w[2]}} {'result':{w[3]}} metric / detail")
    sag = [r for r in recs if r["file"].startswith("SAG-anon/")]
    for r in recs:
        if r["file"].startswith("SAG-anon/") and r["result"] == "PASS" and not args.verbose:
            continue
        f = r["file"] if len(r["file"]) <= w[0] else "..." + r["file"][-(w[0] - 3):]
        line = f"{f:{w[0]}} {r['ts'][:w[1]]:{w[1]}} {r['oracle'][:w[2]]:{w[2]}} {r['result']:{w[3]}} {r['metric']}"
        if r["detail"] and r["result"] != "PASS":
            line += f"  !! {r['detail']}"
        print(line)
    if sag:
        sp = sum(r["result"] == "PASS" for r in sag)
        print(f"{'SAG-anon/* (' + str(len(sag)) + ' files, passing ones not listed)':{w[0]}} "
              f"{sag[0]['ts'][:w[1]]:{w[1]}} {sag[0]['oracle'][:w[2]]:{w[2]}} {sp}/{len(sag)} pass")
    # per category
    cats = {}
    for r in recs:
        c = cats.setdefault(r["cat"], [0, 0])
        c[0 if r["result"] == "PASS" else 1] += 1
    print("-- per category (pass/fail):")
    for c, (p, f) in sorted(cats.items()):
        print(f"   {c:24} {p:4} pass {f:3} fail")
    oracles = {}
    for r in recs:
        oracles[r["oracle"]] = oracles.get(r["oracle"], 0) + 1
    print("-- oracle used: " + ", ".join(f"{k}={v}" for k, v in sorted(oracles.items())))

    # --- markdown report ----------------------------------------------------------------
    os.makedirs(os.path.dirname(args.report), exist_ok=True)
    failed = sum(r["result"] != "PASS" for r in recs)
    with open(args.report, "w") as out:
        out.write(f"# {title}\n\n")
        out.write(f"- samples: `{SAMPLES}`\n")
        if not args.oracle_only:
            st = os.stat(SCANPASS)
            import hashlib
            h = hashlib.sha256(open(SCANPASS, "rb").read()).hexdigest()[:12]
            out.write(f"- scanpass: `{SCANPASS}` (built {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(st.st_mtime))} UTC, "
                      f"sha256 {h}...)\n")
        out.write(f"- {len(recs) - failed} passed, {failed} failed, {secs:.1f} s\n")
        out.write(f"- thresholds: lossless exact (YBR->RGB of uncompressed/lossless data: max |diff| <= 1); "
                  f"JPEG-LS near-lossless max |diff| <= NEAR; lossy PSNR >= {PSNR_MIN_DB} dB "
                  f"(peak 2^BitsStored-1) and |mean diff| <= {MEAN_DIFF_MAX}\n\n")
        out.write("## Per category\n\n| category | pass | fail |\n|---|---|---|\n")
        for c, (p, f) in sorted(cats.items()):
            out.write(f"| {c} | {p} | {f} |\n")
        if failed:
            out.write("\n## Failures\n\n")
            for r in recs:
                if r["result"] != "PASS":
                    out.write(f"- `{r['file']}` ({r['ts']}, oracle {r['oracle']}): {md(r['detail'])}\n")
        out.write("\n## All files\n\n| file | TS | oracle | result | metric | detail / notes |\n|---|---|---|---|---|---|\n")
        for r in recs:
            extra = "; ".join(([r["detail"]] if r["detail"] else []) + r["notes"])
            out.write(f"| `{r['file']}` | {r['ts']} | {r['oracle']} | {r['result']} | {md(r['metric'])} | {md(extra)} |\n")
    print(f"-- report: {os.path.relpath(args.report, ROOT)}")


def md(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


SAMPLES = ""
SCANPASS = ""

if __name__ == "__main__":
    sys.exit(main())
