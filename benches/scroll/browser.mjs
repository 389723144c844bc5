// Runs the browser peer of benches/scroll (web/bench.ts, built beside) in Debian's headless
// Chromium through playwright-core (tests/web/browser.mjs), served by scripts/viewer-host.
//
//   node browser.mjs SITE JOBS.json   SITE: the built page with the series linked in as SITE/data;
//   JOBS.json: {"fps": [60, 1000], "rounds": R, "series": {"<key>": ["data/<key>/IM00001", ...]}}
// Prints {"<key>": [{"first_slice_ms", "elapsed_ms", "waits", "ready_at_ms", ...}, ...]}, one
// entry per round and rate, each round in a fresh browser context (new workers, codecs loaded again).
import { readFileSync } from "node:fs";
import { launch } from "../../tests/web/browser.mjs";
import { startViewerHost } from "../../tests/web/hosts.mjs";

const [site, jobsFile] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, "utf8"));
const host = await startViewerHost(site, { prefix: "/bench/" });
const browser = await launch();
const out = {};
try {
  for (let r = 0; r < jobs.rounds; r++) {
    for (const [key, files] of Object.entries(jobs.series)) for (const fps of jobs.fps) {
      const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      const page = await ctx.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(host.url + "app/index.html");
      await page.waitForFunction(() => typeof window.scrollBench === "function", null, { timeout: 30000 });
      try {
        const res = await page.evaluate(([urls, fps]) => window.scrollBench(urls, fps), [files, fps]);
        (out[key] ??= []).push(res);
      } catch (e) {
        (out[key] ??= []).push({ error: String(e).split("\n")[0], page_errors: errors });
      }
      await ctx.close();
      process.stderr.write(`  chromium ${key} at ${fps}/s round ${r + 1}\n`);
    }
  }
} finally {
  await browser.close();
  host.child.kill();
}
process.stdout.write(JSON.stringify(out));
