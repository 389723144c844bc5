// The browser viewer's speed in headless Chromium on this machine (issue 7): time from opening the
// link to the first image of the 192-slice SAG-anon series, and the next-slice time while
// scrolling (just after opening, while the series still loads; and once it is loaded), side by
// side with the core's own decode + render of the same files (`scanpass bench`).
//
//   node bench.mjs   (env: SCANPASS_BIN, SCANPASS_RELAY_BIN, SAMPLES, OUT, RUNS)

import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { launch } from "../../tests/web/browser.mjs";
import { writeShare } from "../../tests/web/share-writer.mjs";
import { startViewerHost } from "../../tests/web/hosts.mjs";

const BIN = process.env.SCANPASS_BIN;
const RUNS = Number(process.env.RUNS ?? 7);
const OUT = process.env.OUT;
mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), "scanpass-web-bench-"));
const env = { ...process.env, SCANPASS_PASSPHRASE: "web-bench" };
const sp = (args) => execFileSync(BIN, args, { env, encoding: "utf8" });
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))];

const relayProc = spawn(process.env.SCANPASS_RELAY_BIN, ["--listen", "127.0.0.1:0", "--data", join(tmp, "relay")], {
  stdio: ["ignore", "pipe", "ignore"],
});
const relay = await new Promise((resolve, reject) => {
  createInterface({ input: relayProc.stdout }).once("line", (l) => {
    const m = /listening on (\S+)/.exec(l);
    m ? resolve(m[1]) : reject(new Error(l));
  });
});

// the viewer on an origin of its own (ADR 8), the static host's stand-in
const viewerHost = await startViewerHost(process.env.SCANPASS_WEB_DIST);
env.SCANPASS_VIEWER = viewerHost.url;

const sag = join(process.env.SAMPLES, "SAG-anon");
const vault = join(tmp, "vault");
sp(["--vault", vault, "import", sag, "--json"]);
const study = JSON.parse(sp(["--vault", vault, "studies", "--json"]))[0].id;
let link;
let how;
try {
  if (process.env.SCANPASS_WEB_SHARE === "node") throw new Error("node writer asked for");
  execFileSync(BIN, ["share", "--help"], { stdio: "ignore" });
  link = JSON.parse(sp(["--vault", vault, "share", study, "--relay", relay, "--json"])).link;
  how = "scanpass share";
} catch {
  const fs = join(tmp, "fileset");
  sp(["--vault", vault, "export", study, "--out", fs]);
  link = (await writeShare({ relay, viewer: viewerHost.url, fileset: fs, scanpassBin: BIN })).link;
  how = "share-writer.mjs";
}

// the core, same files, same machine, same run
const files = readdirSync(sag).filter((f) => f.endsWith(".dcm")).map((f) => join(sag, f));
const core = JSON.parse(execFileSync(BIN, ["bench", ...files, "--repeat", "5", "--json"], { encoding: "utf8", maxBuffer: 1 << 26 }));
const coreMs = median(core.map((r) => r.median_ms));

const browser = await launch();
const first = [];
const manifest = [];
const wall = [];
const coldSteps = [];
const warmSteps = [];
let fps = [];
let loadAll = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    // from the click on "Open the shared images" (nothing is fetched before it)
    await page.goto(link);
    await page.waitForFunction(() => window.__scanpass?.state === "closed", null, { timeout: 30000 });
    const t0 = Date.now();
    await page.click("#passcode-submit");
    await page.waitForFunction(() => window.__scanpass?.firstImageAt !== null, null, { timeout: 30000 });
    wall.push(Date.now() - t0);
    const h = await page.evaluate(() => ({ f: window.__scanpass.firstImageAt, m: window.__scanpass.manifestAt, c: window.__scanpass.clickedAt }));
    first.push(h.f - h.c);
    manifest.push(h.m - h.c);
    // next slice just after opening: each step waits for its slice (fetch + decrypt + decode if
    // the prefetch has not brought it yet)
    const cold = await page.evaluate(async () => {
      const out = [];
      for (let i = 0; i < 10; i++) {
        const before = window.__scanpass.draws;
        const t = performance.now();
        window.__scanpass.step(1);
        while (window.__scanpass.draws === before) await new Promise((r) => setTimeout(r, 0));
        out.push(performance.now() - t);
      }
      return out;
    });
    coldSteps.push(...cold);
    await page.waitForFunction(() => window.__scanpass.allLoaded, null, { timeout: 60000 });
    loadAll.push(await page.evaluate(() => performance.now() - window.__scanpass.clickedAt));
    // loaded: one step per animation frame through the whole series, as a held-down key does
    const warm = await page.evaluate(async () => {
      const steps = [];
      const frames = [];
      window.__scanpass.step(-1000);
      let last = performance.now();
      for (let i = 0; i < 191; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        const t = performance.now();
        const drawn = window.__scanpass.step(1);
        steps.push(drawn ? performance.now() - t : NaN);
      }
      return { steps, frames };
    });
    warmSteps.push(...warm.steps.filter((x) => !Number.isNaN(x)));
    fps.push(1000 / median(warm.frames));
    if (r === 0) await page.screenshot({ path: join(OUT, "bench-first-run.png") });
    await ctx.close();
  }
} finally {
  await browser.close();
  relayProc.kill();
  viewerHost.child.kill();
  rmSync(tmp, { recursive: true, force: true });
}

const res = {
  share_made_by: how,
  runs: RUNS,
  open_to_first_image_ms: { median: median(first), min: Math.min(...first), max: Math.max(...first) },
  open_to_manifest_ms: { median: median(manifest) },
  open_to_first_image_wall_ms: { median: median(wall) },
  whole_series_loaded_ms: { median: median(loadAll) },
  next_slice_while_loading_ms: { median: median(coldSteps), p95: pct(coldSteps, 95) },
  next_slice_loaded_ms: { median: median(warmSteps), p95: pct(warmSteps, 95), max: Math.max(...warmSteps) },
  scroll_fps_loaded: { median: median(fps) },
  core_decode_render_ms_per_file: coreMs,
  ratio_next_slice_loaded_to_core: median(warmSteps) / coreMs,
};
writeFileSync(join(OUT, "results.json"), JSON.stringify(res, null, 2));
const f = (x) => x.toFixed(1);
console.log(`SAG-anon, 192 slices of 256x256 (MR, Explicit VR LE), shared by ${how}; headless Chromium, ${RUNS} runs, medians`);
console.log(`  click to open -> manifest decrypted   ${f(res.open_to_manifest_ms.median)} ms`);
console.log(`  click to open -> first image         ${f(res.open_to_first_image_ms.median)} ms (min ${f(res.open_to_first_image_ms.min)}, max ${f(res.open_to_first_image_ms.max)}; goal < 1500)`);
console.log(`  click to open -> whole series loaded ${f(res.whole_series_loaded_ms.median)} ms`);
console.log(`  next slice while loading             ${f(res.next_slice_while_loading_ms.median)} ms (p95 ${f(res.next_slice_while_loading_ms.p95)})`);
console.log(`  next slice once loaded (render+draw) ${res.next_slice_loaded_ms.median.toFixed(2)} ms (p95 ${res.next_slice_loaded_ms.p95.toFixed(2)}, max ${res.next_slice_loaded_ms.max.toFixed(2)})`);
console.log(`  scrolling, one slice per frame       ${f(res.scroll_fps_loaded.median)} frames/s (goal 60)`);
console.log(`  core decode+render per file (scanpass bench, same files) ${coreMs.toFixed(2)} ms; browser next-slice / core = ${res.ratio_next_slice_loaded_to_core.toFixed(2)}`);
console.log(`results: ${join(OUT, "results.json")}`);
