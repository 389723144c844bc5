#!/usr/bin/env python3
"""The plain baseline of the share benchmark: the same files sent to (PUT) and fetched from (GET)
the same relay as unencrypted chunks over one keep-alive connection, one request per file as the
share flow does; then fetched again with K requests in flight (K connections, as the browser
viewer keeps 6). Prints {"upload_s", "download_s", "download_parallel_s", "parallel", "bytes"}.

usage: plain.py RELAY_URL FOLDER [K]
"""
import hashlib
import http.client
import json
import os
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

relay = urllib.parse.urlsplit(sys.argv[1])
files = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(sys.argv[2]) for f in fs if not f.startswith(".")
)
parallel = int(sys.argv[3]) if len(sys.argv) > 3 else 6
conn = http.client.HTTPConnection(relay.hostname, relay.port, timeout=120)


def call(method, path, body=None, headers=None, conn=conn):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data[:200]!r}")
    return data


created = json.loads(call("POST", "/api/shares", b"{}", {"Content-Type": "application/json"}))
sid, auth = created["id"], {"Authorization": "Bearer " + created["owner_secret"]}
total = 0
t0 = time.perf_counter()
for i, path in enumerate(files):
    with open(path, "rb") as f:
        body = f.read()
    total += len(body)
    call("PUT", f"/api/shares/{sid}/chunks/{i}", body, auth)
upload = time.perf_counter() - t0
call("PUT", f"/api/shares/{sid}/manifest", b"plain", auth)
# the relay serves recipients only with a token whose SHA-256 the owner set (as a share does;
# no passcode: a link key's 256 bits, never counted or locked)
token = os.urandom(32)
call("PUT", f"/api/shares/{sid}/auth-verifier",
     json.dumps({"auth_verifier": hashlib.sha256(token).hexdigest(), "passcode": False}).encode(),
     dict(auth, **{"Content-Type": "application/json"}))
recipient = {"x-scanpass-token": token.hex()}
call("POST", f"/api/shares/{sid}/finalize", json.dumps({"chunks": len(files)}).encode(),
     dict(auth, **{"Content-Type": "application/json"}))
t0 = time.perf_counter()
call("GET", f"/api/shares/{sid}/manifest", headers=recipient)
got = 0
for i in range(len(files)):
    got += len(call("GET", f"/api/shares/{sid}/chunks/{i}", headers=recipient))
download = time.perf_counter() - t0
assert got == total, (got, total)

lanes = [http.client.HTTPConnection(relay.hostname, relay.port, timeout=120) for _ in range(parallel)]


def lane(k):
    n = 0
    for i in range(k, len(files), parallel):
        n += len(call("GET", f"/api/shares/{sid}/chunks/{i}", headers=recipient, conn=lanes[k]))
    return n


t0 = time.perf_counter()
call("GET", f"/api/shares/{sid}/manifest", headers=recipient)
with ThreadPoolExecutor(parallel) as pool:
    got = sum(pool.map(lane, range(parallel)))
download_parallel = time.perf_counter() - t0
assert got == total, (got, total)
print(json.dumps({"upload_s": upload, "download_s": download,
                  "download_parallel_s": download_parallel, "parallel": parallel, "bytes": total}))
