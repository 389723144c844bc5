// The browser viewer's caches by bytes (web/src/viewer/lru.ts), without a browser: the budget per
// device memory, and an LRU map that forgets its oldest entries past its byte budget but keeps the
// newest one. Prints "lru: N passed, N failed".
import { transformSync } from "../../web/node_modules/esbuild/lib/main.js";
import { readFileSync } from "node:fs";

const src = readFileSync(new URL("../../web/src/viewer/lru.ts", import.meta.url), "utf8");
const js = transformSync(src, { loader: "ts", format: "esm" }).code;
const { cacheBudget, LruMap } = await import("data:text/javascript," + encodeURIComponent(js));

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "PASS" : "FAIL"} ${name}${ok ? "" : `: ${detail}`}`);
}
const MiB = 1 << 20;
check("4 GB device: 256 MiB", cacheBudget(4) === 256 * MiB, String(cacheBudget(4)));
check("unknown device memory: 256 MiB", cacheBudget(undefined) === 256 * MiB);
check("1 GB device: the 128 MiB floor", cacheBudget(1) === 128 * MiB);
check("8 GB (the spec's cap): 512 MiB", cacheBudget(8) === 512 * MiB);

const m = new LruMap(100);
for (let i = 0; i < 10; i++) m.set(i, `v${i}`, 30);
check("held bytes stay within the budget", m.bytes <= 100 && m.size === 3, `${m.bytes} bytes, ${m.size} entries`);
check("the oldest are forgotten, the newest kept", !m.has(0) && m.has(9) && m.has(7));
m.get(7);
m.set(10, "v10", 30);
check("a read keeps an entry recent", m.has(7) && !m.has(8), JSON.stringify([m.has(7), m.has(8)]));
m.set(11, "big", 500);
check("one entry larger than the budget is kept alone", m.size === 1 && m.has(11) && m.bytes === 500);
m.delete(11);
check("delete returns its bytes", m.bytes === 0 && m.size === 0);
console.log(`lru: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
