#!/usr/bin/env python3
"""What the relay learns of sizes (issue 15, point 15; ADR 9), from everything it received.

usage: relay_sizes.py CAPTURE RELAY_DATA ID_A FILESET_A ID_B FILESET_B

CAPTURE is capture_proxy.py's record of every request the relay received; RELAY_DATA its storage
folder; ID_A/ID_B two shares of file-sets whose files differ in size (FILESET_A/B: those files, as
exported). Prints one `ok: ...` or `FAILED: ...` line per claim:
  1. the two shares look the same to the relay: the same number of chunk uploads, of the same
     sizes, a manifest of the same size, and the same stored objects;
  2. every chunk the relay received or stores has one size;
  3. no body the relay received, and no object it stores, is as large as any file of either
     file-set, in plaintext or sealed (29 bytes more), nor any run of a file's pieces of 4 MiB.
"""
import os
import re
import sys

cap, data, id_a, fs_a, id_b, fs_b = sys.argv[1:7]
OVERHEAD = 29


def requests():
    raw = open(cap, "rb").read()
    for entry in raw.split(b"\n\x00---\x00\n"):
        if not entry.strip():
            continue
        head, _, rest = entry.partition(b"\n")
        n = re.search(rb"(?im)^content-length:\s*(\d+)", rest)
        n = int(n.group(1)) if n else 0
        yield head.decode(errors="replace"), rest[len(rest) - n :] if n else b""


def pattern(share_id):
    """Sizes of what the relay received for a share: chunk bodies (sorted) and the manifest."""
    chunks, manifest = [], []
    for head, body in requests():
        m = re.match(r"PUT /api/shares/([^/]+)/(chunks/\d+|manifest)", head)
        if m and m.group(1) == share_id:
            (manifest if m.group(2) == "manifest" else chunks).append(len(body))
    return sorted(chunks), manifest


def stored(share_id):
    sizes = []
    for dp, _, fs in os.walk(data):
        if share_id in dp:
            sizes += [os.path.getsize(os.path.join(dp, f)) for f in fs]
    return sorted(sizes)


def file_sizes(folder):
    out = set()
    for dp, _, fs in os.walk(folder):
        for f in fs:
            out.add(os.path.getsize(os.path.join(dp, f)))
    return out


ca, ma = pattern(id_a)
cb, mb = pattern(id_b)
sa, sb = stored(id_a), stored(id_b)
fa, fb = file_sizes(fs_a), file_sizes(fs_b)
if not ca or not cb or not sa:
    print(f"FAILED: relay sizes: nothing captured ({len(ca)}, {len(cb)} chunks, {len(sa)} stored)")
    sys.exit(0)
same = ca == cb and ma == mb and sa == sb
differ = len(fa ^ fb)
print(
    f"{'ok' if same and differ else 'FAILED'}: relay sizes: two shares whose {differ} file sizes differ "
    f"look alike to the relay: {len(ca)} chunks of {sorted(set(ca))} bytes, a manifest of {ma}, "
    f"{len(sa)} stored objects"
    + ("" if same else f" (A: {len(ca)} chunks {sorted(set(ca))[:5]} manifest {ma}; B: {len(cb)} chunks {sorted(set(cb))[:5]} manifest {mb})")
)
one = len(set(ca + cb)) == 1
print(f"{'ok' if one else 'FAILED'}: relay sizes: every chunk has one size ({sorted(set(ca + cb))[:6]})")
plain = fa | fb
sealed = {s + OVERHEAD for s in plain}
seen = set(ca + cb + ma + mb + sa + sb)
hits = sorted(seen & (plain | sealed))
print(
    f"{'ok' if not hits else 'FAILED'}: relay sizes: no body or stored object is as large as any of the "
    f"{len(plain)} file sizes, plaintext or sealed" + (f" (found {hits[:8]})" if hits else "")
)
