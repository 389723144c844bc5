"""The Python side of benches/bindings/run: the same loop as core/examples/viewer_render.rs,
through the generated bindings (pixels arrive as `bytes`)."""

import json
import os
import time

import scanpass_ffi as sp

vault_dir = os.environ["BENCH_VAULT"]
rounds = int(os.environ.get("BENCH_ROUNDS", "20"))
vault = sp.Vault.open(vault_dir)
vault.unlock(sp.passphrase_key_store(vault_dir, os.environ["BENCH_PASSPHRASE"]))
viewer = vault.open_viewer(os.environ["BENCH_SERIES"])
n = viewer.slice_count()
window = sp.Window.DEFAULT()
for _ in range(1 + int(os.environ.get("BENCH_WARM", "10"))):
    for i in range(n):
        viewer.render(i, window).rgba
per_render = []
checksum = 0
for _ in range(rounds):
    t = time.perf_counter()
    for i in range(n):
        rgba = viewer.render(i, window).rgba
        checksum += rgba[len(rgba) // 2]
    per_render.append((time.perf_counter() - t) * 1e6 / n)
per_render.sort()
print(json.dumps({"lang": "python", "us_per_render": round(per_render[rounds // 2], 2),
                  "slices": n, "rounds": rounds, "checksum": checksum}))
