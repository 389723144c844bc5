#!/usr/bin/env python3
"""A recording HTTP proxy for the share privacy test: listens on loopback, forwards every request
to the relay unchanged, and appends what the relay receives (request line, headers, body) to a
capture file, so the test can search everything the relay was ever sent.

usage: capture_proxy.py RELAY_URL CAPTURE_FILE   (prints `listening on http://127.0.0.1:PORT`)

With SCANPASS_PROXY_FAIL_ONCE=TEXT in the environment, the first request whose path contains TEXT
is not forwarded: it is answered 503, as a relay that failed or a network that dropped it would
(the share test uses it to lose the request that sets a share's verifier).
"""
import os
import threading
import http.client
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

relay = urllib.parse.urlsplit(sys.argv[1])
capture = open(sys.argv[2], "ab", buffering=0)
fail_once = os.environ.get("SCANPASS_PROXY_FAIL_ONCE")
failed = threading.Lock()


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if fail_once and fail_once in self.path and failed.acquire(blocking=False):
            data = b'{"error":"internal","message":"internal error"}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        head = f"{self.command} {self.path}\n{self.headers}".encode()
        capture.write(head + b"\n" + body + b"\n\x00---\x00\n")
        conn = http.client.HTTPConnection(relay.hostname, relay.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    # OPTIONS: a browser's CORS preflight (the viewer on its own origin, tests/web)
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = forward


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
