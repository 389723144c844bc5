// The browser viewer end to end: a real scanpass-relay on loopback, shares written by the
// `scanpass share` command (or, with SCANPASS_WEB_SHARE=node or before that command exists, by
// share-writer.mjs, which follows docs/share-format.md on its own), Debian chromium driven by
// playwright-core. Pixels on the canvas are compared with the core's own render of the same slice
// and window (`scanpass render FILE --out X.rgba`). Screenshots go to $OUT (printed at the end).
//
//   node viewer-test.mjs   (env: SCANPASS_BIN, SCANPASS_RELAY_BIN, SAMPLES, OUT)

import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, copyFileSync, cpSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { join, relative, sep } from "node:path";
import { tmpdir } from "node:os";
import { unzipSync } from "fflate";
import dicomParser from "dicom-parser";
import { launch } from "./browser.mjs";
import { openLink, startRelay, startViewerHost } from "./hosts.mjs";
import { writeShare } from "./share-writer.mjs";
import { coreRender as coreRenderWith, dims, hookOf, probe, waitDraw } from "./pixels.mjs";

const BIN = process.env.SCANPASS_BIN;
const RELAY = process.env.SCANPASS_RELAY_BIN;
const SAMPLES = process.env.SAMPLES;
const OUT = process.env.OUT;
const PASS = "web-test-vault";
mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), "scanpass-web-"));
const env = { ...process.env, SCANPASS_PASSPHRASE: PASS };

let passed = 0;
let failed = 0;
const results = [];
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  results.push(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

const sp = (args, extraEnv = {}) =>
  execFileSync(BIN, args, { env: { ...env, ...extraEnv }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

// ---- the relay, and the viewer on an origin of its own (ADR 8) ----
// the relay serves no viewer: the build of web/ is on a static host (a stand-in on loopback),
// and links name it (SCANPASS_VIEWER for `scanpass share`)
const relay = await startRelay(RELAY, tmp, ["--max-auth-failures", "3", "--fail-burst", "1000"]);
console.log(`relay on ${relay.url}`);
const viewerHost = await startViewerHost(process.env.SCANPASS_WEB_DIST);
const VIEWER = viewerHost.url;
env.SCANPASS_VIEWER = VIEWER;
console.log(`viewer (static host stand-in) on ${VIEWER}`);

// ---- shares ----
const cliShare = (() => {
  if (process.env.SCANPASS_WEB_SHARE === "node") return false;
  try {
    execFileSync(BIN, ["share", "--help"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
// several studies in one share (`scanpass share STUDY STUDY...`)
// (every CLI that shares does: no silent fallback to the Node writer alone)
const cliMulti = cliShare;
console.log(`shares made by ${cliShare ? "the scanpass CLI (scanpass share)" : "share-writer.mjs (Node, docs/share-format.md)"}`);
console.log(`shares of several studies made by ${cliMulti ? "the scanpass CLI and share-writer.mjs" : "share-writer.mjs"}`);

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Imports PATH into a fresh vault; returns {vault, study, fileset}. */
function importStudy(name, path) {
  const vault = join(tmp, `vault-${name}`);
  sp(["--vault", vault, "import", path, "--json"]);
  const studies = JSON.parse(sp(["--vault", vault, "studies", "--json"]));
  const study = studies[0].id;
  const fileset = join(tmp, `fileset-${name}`);
  sp(["--vault", vault, "export", study, "--out", fileset]);
  return { vault, study, fileset };
}

async function share(st, { passcode = null, expiresSecs = null, forceNode = false, seriesByFolder = false } = {}) {
  if (cliShare && !forceNode && expiresSecs === null) {
    const args = ["--vault", st.vault, "share", st.study, "--relay", relay.url, "--json"];
    const extra = {};
    if (passcode !== null) {
      args.push("--passcode-env", "WEB_TEST_PASSCODE");
      extra.WEB_TEST_PASSCODE = passcode;
    }
    const out = JSON.parse(sp(args, extra));
    return { ...out, revoke: () => sp(["--vault", st.vault, "revoke", out.id]) };
  }
  const out = await writeShare({
    relay: relay.url,
    viewer: VIEWER,
    fileset: st.fileset,
    passcode,
    expiresSecs: expiresSecs ?? 7 * 86400,
    scanpassBin: BIN,
    seriesByFolder,
  });
  return {
    ...out,
    revoke: () =>
      fetch(`${relay.url}/api/shares/${out.id}`, { method: "DELETE", headers: { authorization: `Bearer ${out.owner_secret}` } }),
  };
}

const sag = importStudy("sag", join(SAMPLES, "SAG-anon"));
const sagShare = await share(sag);

// two studies of different dates in one vault: the MR (2013, SAG-anon) first, a CT (2004) after it
const CT_PRIOR = join(SAMPLES, "dicom-test-files/WG04/REF/CT1_UNC");
const two = (() => {
  const vault = join(tmp, "vault-two");
  sp(["--vault", vault, "import", join(SAMPLES, "SAG-anon"), CT_PRIOR, "--json"]);
  const listed = JSON.parse(sp(["--vault", vault, "studies", "--json"]));
  const studies = ["MR", "CT"].map((mod) => listed.find((s) => s.modalities.includes(mod)));
  // the Node writer's File-set of both: each study's export, the second as ST000001
  const fileset = join(tmp, "fileset-two");
  studies.forEach((st, i) => {
    const one = join(tmp, `fileset-two-${i}`);
    sp(["--vault", vault, "export", st.id, "--out", one]);
    cpSync(join(one, "DICOM/PT000000/ST000000"), join(fileset, `DICOM/PT000000/ST00000${i}`), { recursive: true });
    if (i === 0) copyFileSync(join(one, "README.TXT"), join(fileset, "README.TXT"));
  });
  return { vault, studies, fileset };
})();
async function shareTwo({ cli, alter = null }) {
  if (cli) {
    const out = JSON.parse(sp(["--vault", two.vault, "share", ...two.studies.map((s) => s.id), "--relay", relay.url, "--json"]));
    return out;
  }
  return writeShare({ relay: relay.url, viewer: VIEWER, fileset: two.fileset, scanpassBin: BIN, alter });
}

// ---- pixels (pixels.mjs) ----
const coreRender = (file, opts) => coreRenderWith(BIN, tmp, file, opts);

async function open(page, link) {
  await openLink(page, link);
  return hookOf(page);
}
const browser = await launch();
try {
  // ---- the main screen, desktop ----
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  // the chunks the viewer asks the relay for before it shows the first slice (ADR 9: a slice
  // costs the chunks it spans, not the share)
  const chunkGets = [];
  page.on("request", (r) => {
    const m = /\/chunks\/(\d+)$/.exec(r.url());
    if (m && r.method() === "GET") chunkGets.push(Number(m[1]));
  });
  let h = await open(page, sagShare.link);
  check("SAG-anon share opens and shows a slice", h.state === "viewer-ready" && h.count === 192, `state ${h.state}, ${h.count} slices`);
  const atFirst = new Set(chunkGets);
  check(
    `the first slice is shown after ${atFirst.size} chunk requests of the share's ~43 (1 MiB each), each chunk asked once`,
    atFirst.size >= 1 && atFirst.size <= 8 && chunkGets.length === atFirst.size,
    `${chunkGets.join(",")}`,
  );
  const fileOf = (p) => join(sag.fileset, p);
  const [cols, rows, spacing] = dims(fileOf(h.path));
  let pr = await probe(page, coreRender(fileOf(h.path)), cols, rows);
  check("canvas = core render (file's window)", pr.compared > 300 && pr.maxDiff === 0, JSON.stringify(pr));
  const oneStudy = await page.evaluate(() => ({
    groups: document.querySelectorAll("#series-list .study, #series-list .study-head").length,
    flat: document.querySelectorAll("#series-list > li > button").length,
    summaryOf: /study \d+ of/.test(document.getElementById("study-summary").textContent),
    overlayOf: /study \d+ of/.test(document.getElementById("ov-tl").textContent),
    multiClass: document.getElementById("viewer").classList.contains("multi-study"),
  }));
  check(
    "one study: a flat series list, no study headings or numbering",
    oneStudy.groups === 0 && oneStudy.flat === 1 && !oneStudy.summaryOf && !oneStudy.overlayOf && !oneStudy.multiClass && h.studies === 1 && h.study === 0,
    JSON.stringify(oneStudy),
  );
  await page.screenshot({ path: join(OUT, "viewer-desktop.png") });

  // scroll by wheel and by key
  const start = h.index;
  let d = h.draws;
  await page.mouse.move(700, 450);
  await page.mouse.wheel(0, 100);
  await page.mouse.wheel(0, 100);
  await page.mouse.wheel(0, 100);
  await page.waitForFunction((i) => window.__scanpass.index === i, start + 3);
  h = await waitDraw(page, d);
  pr = await probe(page, coreRender(fileOf(h.path)), cols, rows);
  check("wheel scrolls three slices, canvas = core render", h.index === start + 3 && pr.maxDiff === 0, `index ${start} -> ${h.index}, ${JSON.stringify(pr)}`);
  d = h.draws;
  await page.focus("#viewport");
  await page.keyboard.press("ArrowUp");
  h = await waitDraw(page, d);
  check("ArrowUp goes back one slice", h.index === start + 2, `index ${h.index}`);
  // drag with the scroll tool
  await page.click('[data-tool="scroll"]');
  d = h.draws;
  await page.mouse.move(700, 400);
  await page.mouse.down();
  await page.mouse.move(700, 440, { steps: 5 });
  await page.mouse.up();
  h = await hookOf(page);
  check("drag with the scroll tool changes the slice", h.index > start + 2, `index ${h.index}`);

  // window by drag, compared with the core's render at the same window
  await page.click('[data-tool="window"]');
  const before = h.applied;
  d = h.draws;
  await page.mouse.move(700, 400);
  await page.mouse.down();
  await page.mouse.move(760, 430, { steps: 4 });
  await page.mouse.up();
  h = await waitDraw(page, d);
  const w = h.applied;
  pr = await probe(page, coreRender(fileOf(h.path), { window: w }), cols, rows);
  check(
    "window drag changes the window; canvas = core render at that window",
    w.kind === "window" && (w.center !== before.center || w.width !== before.width) && pr.maxDiff === 0,
    `C/W ${before.center}/${before.width} -> ${w.center.toFixed(2)}/${w.width.toFixed(2)}, ${JSON.stringify(pr)}`,
  );

  // measurement: 100 image columns
  await page.click('[data-tool="measure"]');
  const [ax, ay] = await page.evaluate(() => window.__scanpass.imageToCanvas(78, 128));
  const [bx, by] = await page.evaluate(() => window.__scanpass.imageToCanvas(178, 128));
  const box = await page.locator("#canvas").boundingBox();
  await page.mouse.move(box.x + ax, box.y + ay);
  await page.mouse.down();
  await page.mouse.move(box.x + bx, box.y + by, { steps: 6 });
  await page.mouse.up();
  const measured = await page.textContent("#measure-status");
  const colSpacing = Number(spacing.split("\\")[1]);
  const mm = Number(/([\d.]+) mm/.exec(measured)?.[1]);
  check("length measurement in mm from Pixel Spacing", Math.abs(mm - 100 * colSpacing) < 0.6, `${measured} (expected ${(100 * colSpacing).toFixed(1)} mm)`);

  // overlay hides
  await page.keyboard.press("o");
  const hidden = await page.$eval("#overlay", (e) => e.hidden);
  await page.keyboard.press("o");
  check("overlay hides and shows (O)", hidden === true && !(await page.$eval("#overlay", (e) => e.hidden)));

  // zoom keeps the pipeline exact
  await page.keyboard.press("r");
  await page.keyboard.press("+");
  await page.keyboard.press("+");
  h = await hookOf(page);
  pr = await probe(page, coreRender(fileOf(h.path)), cols, rows);
  check("zoomed (+ +): canvas still = core render", pr.compared > 100 && pr.maxDiff === 0, JSON.stringify(pr));
  await page.keyboard.press("r");

  // cine
  await page.waitForFunction(() => window.__scanpass.allLoaded, null, { timeout: 60000 });
  // the whole series scrolled through and prefetched: the caches stay within their budget
  const cache = await page.evaluate(() => window.__scanpass.cacheBytes());
  check("caches within their byte budget after the whole series", cache.held > 0 && cache.budget > 0 && cache.held <= cache.budget, JSON.stringify(cache));
  h = await hookOf(page);
  await page.fill("#fps", "30");
  await page.click("#cine");
  await page.waitForTimeout(1000);
  await page.click("#cine");
  const h2 = await hookOf(page);
  const advanced = (h2.index - h.index + h.count) % h.count;
  check("cine plays at the chosen rate (30 fps for 1 s)", advanced >= 15 && advanced <= 40, `${advanced} frames`);

  // the zip: every file identical to the File-set, DICOM files to the originals after the preamble
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const zipPath = join(tmp, "download.zip");
  await download.saveAs(zipPath);
  const zip = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const expected = walk(sag.fileset).map((p) => relative(sag.fileset, p).split(sep).join("/"));
  const same = expected.filter((p) => zip[p] && Buffer.compare(Buffer.from(zip[p]), readFileSync(join(sag.fileset, p))) === 0);
  const originals = new Map();
  for (const f of walk(join(SAMPLES, "SAG-anon"))) {
    try {
      const b = readFileSync(f);
      const ds = dicomParser.parseDicom(new Uint8Array(b), { untilTag: "x00080018" });
      originals.set(ds.string("x00080018"), b);
    } catch {}
  }
  let identical = 0;
  const dicomInZip = Object.keys(zip).filter((p) => p.startsWith("DICOM/"));
  for (const p of dicomInZip) {
    const ds = dicomParser.parseDicom(zip[p], { untilTag: "x00080018" });
    const o = originals.get(ds.string("x00080018"));
    if (o && Buffer.compare(Buffer.from(zip[p].subarray(128)), o.subarray(128)) === 0) identical++;
  }
  // the DICOMDIR and README of a share are written when it is made (their UIDs and dates are its
  // own): check the DICOMDIR is a DICOM directory naming every image, the images byte for byte
  const differs = expected.filter((p) => !same.includes(p));
  const dd = zip.DICOMDIR ? dicomParser.parseDicom(zip.DICOMDIR) : null;
  const records = dd?.elements.x00041220?.items ?? [];
  const named = new Set(
    records.map((r) => r.dataSet.string("x00041500")).filter(Boolean).map((s) => s.replace(/\\/g, "/")),
  );
  const allNamed = dicomInZip.every((p) => named.has(p));
  check(
    "zip: every DICOM file identical to the original, DICOMDIR naming each, README.TXT",
    Object.keys(zip).length === expected.length && differs.every((p) => p === "DICOMDIR" || p === "README.TXT") &&
      zip["README.TXT"] && allNamed && identical === 192 && dicomInZip.length === 192,
    `${dicomInZip.length} DICOM files, ${identical} identical to the sample files after the 128-byte preamble; DICOMDIR names ${named.size} files; differing from a fresh export: ${differs.join(", ") || "none"}`,
  );
  check("no script errors on the page", errors.length === 0, errors.slice(0, 3).join(" | "));
  await ctx.close();

  // ---- phone size ----
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const pp = await phone.newPage();
  h = await open(pp, sagShare.link);
  const overflow = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  pr = await probe(pp, coreRender(fileOf(h.path)), cols, rows);
  await pp.screenshot({ path: join(OUT, "viewer-phone-360.png") });
  // touch: one finger scrolls, two fingers pinch (touch events through the DevTools protocol)
  const cdp = await phone.newCDPSession(pp);
  const vb = await pp.locator("#viewport").boundingBox();
  const cx = vb.x + vb.width / 2;
  const cy = vb.y + vb.height / 2;
  const touch = (type, pts) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
  const i0 = (await hookOf(pp)).index;
  await touch("touchStart", [[cx, cy - 40]]);
  for (let k = 1; k <= 8; k++) await touch("touchMove", [[cx, cy - 40 + k * 10]]);
  await touch("touchEnd", []);
  const i1 = (await hookOf(pp)).index;
  check("touch: one finger drag scrolls the stack", i1 > i0, `index ${i0} -> ${i1}`);
  const z0 = (await hookOf(pp)).zoom;
  await touch("touchStart", [[cx - 30, cy], [cx + 30, cy]]);
  for (let k = 1; k <= 8; k++) await touch("touchMove", [[cx - 30 - k * 8, cy], [cx + 30 + k * 8, cy]]);
  await touch("touchEnd", []);
  const z1 = (await hookOf(pp)).zoom;
  check("touch: pinch zooms", z1 > z0 * 1.5, `zoom ${z0.toFixed(2)} -> ${z1.toFixed(2)}`);
  check("360 px wide: image shown, nothing wider than the screen, canvas = core render", h.state === "viewer-ready" && overflow <= 0 && pr.maxDiff === 0, `overflow ${overflow}px, ${JSON.stringify(pr)}`);
  await phone.close();

  // ---- several studies in one share ----
  // SCANPASS_WEB_SHARE=node: only the Node writer; else the CLI too once it shares several studies
  const writers = [...(cliMulti && process.env.SCANPASS_WEB_SHARE !== "node" ? ["cli"] : []), "node"];
  const isoDate = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  // the patient line each study's files give (compared, never printed)
  // the core's rule (text::person_name; web/src/viewer/rules.ts): given names sent in capitals
  // in title case
  const personName = (pn) => {
    if (!pn) return "";
    const title = (s) => s.toLowerCase().replace(/(^|[ '’-])(\p{L})/gu, (_, a, b) => a + b.toUpperCase());
    const soft = (s) => (s !== s.toUpperCase() ? s : title(s));
    const group = pn.split("=").find((g) => g.trim()) ?? "";
    const [family = "", given = "", middle = "", prefix = "", suffix = ""] = group.split("^").map((x) => x.trim());
    return [soft(prefix), soft(given), soft(middle), family.toUpperCase(), suffix].filter(Boolean).join(" ");
  };
  const patientOf = (file) => {
    const ds = dicomParser.parseDicom(readFileSync(file), { untilTag: "x00100040" });
    return { name: personName(ds.string("x00100010")?.trim()), id: ds.string("x00100020")?.trim() ?? "" };
  };
  const studyPatients = [patientOf(join(SAMPLES, "SAG-anon", readdirSync(join(SAMPLES, "SAG-anon")).find((n) => n.endsWith(".dcm")))), patientOf(CT_PRIOR)];
  const sampleByUid = new Map();
  for (const f of [...walk(join(SAMPLES, "SAG-anon")), CT_PRIOR]) {
    try {
      const b = readFileSync(f);
      sampleByUid.set(dicomParser.parseDicom(new Uint8Array(b), { untilTag: "x00080018" }).string("x00080018"), b);
    } catch {}
  }
  const studyView = (p) =>
    p.evaluate(() => ({
      groups: [...document.querySelectorAll("#series-list > li.study")].map((g) => ({
        date: g.querySelector(".study-head strong").textContent,
        what: g.querySelector(".study-head span").textContent,
        series: [...g.querySelectorAll("button[data-series]")].map((b) => Number(b.dataset.series)),
        current: g.classList.contains("current"),
      })),
      summary: document.getElementById("study-summary").textContent,
      overlay: document.getElementById("ov-tl").textContent.split("\n"),
    }));
  for (const writer of writers) {
    const tag = `two studies (${writer === "cli" ? "scanpass share A B" : "share-writer.mjs"})`;
    const link = (await shareTwo({ cli: writer === "cli" })).link;
    const mp = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const mErrors = [];
    mp.on("pageerror", (e) => mErrors.push(e.message));
    mp.on("console", (m) => m.type() === "error" && mErrors.push(m.text()));
    h = await open(mp, link);
    let v = await studyView(mp);
    const [A, B] = two.studies;
    const headOk = (g, st) => g?.date === isoDate(st.study_date) && g.what.includes(st.description) && st.modalities.every((m) => g.what.includes(m));
    check(
      `${tag}: the series list has a group per study, in the patient's order, headed by date, description and modalities`,
      v.groups.length === 2 && headOk(v.groups[0], A) && headOk(v.groups[1], B) &&
        v.groups[0].series.length === A.series_count && v.groups[1].series.length === B.series_count,
      v.groups.map((g) => `[${g.date} | ${g.what} | series ${g.series.join(",")}]`).join(" "),
    );
    const headerShows = (v, st, i) =>
      v.summary.includes(st.description) && v.summary.includes(isoDate(st.study_date)) && v.summary.includes(`study ${i + 1} of 2`) &&
      v.overlay.includes(st.description) && v.overlay.some((l) => l.startsWith(isoDate(st.study_date))) &&
      [studyPatients[i].name, studyPatients[i].id ? `ID ${studyPatients[i].id}` : ""].filter(Boolean).every((l, k) => v.overlay[k] === l) &&
      v.groups[i].current && !v.groups[1 - i].current;
    check(
      `${tag}: opens on the first study's series; header and overlay show that study and its patient`,
      h.state === "viewer-ready" && h.studies === 2 && h.study === 0 && v.groups[0].series.includes(h.series) && headerShows(v, A, 0),
      `study ${h.study}, series ${h.series}, header and overlay ${headerShows(v, A, 0) ? "right" : "wrong"}`,
    );
    await mp.screenshot({ path: join(OUT, `viewer-two-studies-${writer}.png`) });

    // the zip: both studies' files under their paths, byte for byte the sample files
    const [dl] = await Promise.all([mp.waitForEvent("download"), mp.click("#download")]);
    const zp = join(tmp, `two-${writer}.zip`);
    await dl.saveAs(zp);
    const z = unzipSync(new Uint8Array(readFileSync(zp)));
    const unz = join(tmp, `two-${writer}`);
    for (const [p, b] of Object.entries(z)) {
      mkdirSync(dirname(join(unz, p)), { recursive: true });
      writeFileSync(join(unz, p), b);
    }
    const dcm = Object.keys(z).filter((p) => p.startsWith("DICOM/"));
    const same = dcm.filter((p) => {
      const o = sampleByUid.get(dicomParser.parseDicom(z[p], { untilTag: "x00080018" }).string("x00080018"));
      return o && Buffer.compare(Buffer.from(z[p].subarray(128)), o.subarray(128)) === 0;
    }).length;
    const studyDirs = new Set(dcm.map((p) => p.split("/").slice(0, 3).join("/")));
    const ddNames = z.DICOMDIR
      ? new Set(
          (dicomParser.parseDicom(z.DICOMDIR).elements.x00041220?.items ?? [])
            .map((r) => r.dataSet.string("x00041500"))
            .filter(Boolean)
            .map((s) => s.replace(/\\/g, "/")),
        )
      : null;
    // the CLI writes a DICOMDIR naming every file; the Node writer's File-set is two exports joined, without one
    const ddOk = writer === "cli" ? ddNames !== null && dcm.every((p) => ddNames.has(p)) : true;
    check(
      `${tag}: zip holds both studies' files under their paths, identical to the samples`,
      dcm.length === 193 && same === 193 && studyDirs.size === 2 && !!z["README.TXT"] && ddOk,
      `${dcm.length} DICOM files in ${[...studyDirs].join(", ")}, ${same} identical after the preamble; DICOMDIR ${ddNames ? `names ${ddNames.size}` : "absent"}`,
    );

    // a series of the second study: its study in the header and overlay, its pixels on the canvas
    const d0 = (await hookOf(mp)).draws;
    await mp.click(`#series-list button[data-series="${v.groups[1].series[0]}"]`);
    h = await waitDraw(mp, d0);
    v = await studyView(mp);
    const [c2, r2] = dims(join(unz, h.path));
    pr = await probe(mp, coreRender(join(unz, h.path)), c2, r2);
    check(
      `${tag}: a series of the second study shows that study and its patient in header and overlay`,
      h.study === 1 && h.series === v.groups[1].series[0] && headerShows(v, B, 1),
      `study ${h.study}, series ${h.series}, header and overlay ${headerShows(v, B, 1) ? "right" : "wrong"}`,
    );
    check(`${tag}: the second study's image: canvas = core render`, h.error !== "image" && pr.compared > 300 && pr.maxDiff === 0, `${h.path}, ${JSON.stringify(pr)}`);
    await mp.screenshot({ path: join(OUT, `viewer-two-studies-${writer}-second.png`) });
    // and back
    const d1 = h.draws;
    await mp.click(`#series-list button[data-series="${v.groups[0].series[0]}"]`);
    h = await waitDraw(mp, d1);
    v = await studyView(mp);
    check(`${tag}: back to the first study's series: its study again`, h.study === 0 && headerShows(v, A, 0), `study ${h.study}`);
    check(`${tag}: no script errors on the page`, mErrors.length === 0, mErrors.slice(0, 3).join(" | "));
    await mp.close();

    if (writer !== writers[0]) continue;
    // 360 px: the groups fit, nothing wider than the screen
    const ph = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const pp2 = await ph.newPage();
    h = await open(pp2, link);
    const ov2 = await pp2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const heads = await pp2.$$eval("#series-list .study-head", (hs) => hs.map((e) => Math.round(e.getBoundingClientRect().width)));
    // no series button squeezed so that its text is cut (the list scrolls sideways instead)
    const squeezed = await pp2.$$eval("#series-list button", (bs) =>
      bs.filter((b) => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1).length,
    );
    // the series list stays on screen when there are several series (the tools fold away)
    const share2 = await pp2.evaluate(() => document.getElementById("canvas").getBoundingClientRect().height / window.innerHeight);
    await pp2.screenshot({ path: join(OUT, "viewer-phone-360-two-studies.png") });
    check(
      `${tag}, 360 px wide: image shown, two narrow study headings, no series button cut, nothing wider than the screen, the image at least 75% of the height`,
      h.state === "viewer-ready" && ov2 <= 0 && heads.length === 2 && heads.every((w) => w > 0 && w <= 120) && squeezed === 0 && share2 >= 0.75,
      `overflow ${ov2}px, heading widths ${heads.join(", ")} px, ${squeezed} buttons cut, image ${(share2 * 100).toFixed(1)}% of the height`,
    );
    await ph.close();
  }
  // two patients' studies de-identified for research: each study shows its own pseudonym (two
  // people, never "Anonymous patient" twice), and neither real name or ID is on the page
  if (cliMulti) {
    const tag = "two patients, research";
    const out = JSON.parse(
      sp(["--vault", two.vault, "share", ...two.studies.map((s) => s.id), "--relay", relay.url, "--deidentify", "research", "--json"]),
    );
    const rp = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    h = await open(rp, out.link);
    const first = await studyView(rp);
    const d0 = (await hookOf(rp)).draws;
    await rp.click(`#series-list button[data-series="${first.groups[1].series[0]}"]`);
    h = await waitDraw(rp, d0);
    const second = await studyView(rp);
    const subjectOf = (v) => /^SUBJECT-[0-9A-F]{8}$/.test(v.overlay[0]) && v.summary.startsWith(`${v.overlay[0]} · `) ? v.overlay[0] : null;
    const [s1, s2] = [subjectOf(first), subjectOf(second)];
    const page = await rp.content();
    const leaked = studyPatients.flatMap((p) => [p.name, p.id]).filter((x) => x && x.length >= 3 && page.includes(x)).length;
    check(
      `${tag}: each study shows a pseudonym of its own in header and overlay, no ID line, no real name or ID on the page`,
      h.state === "viewer-ready" && s1 && s2 && s1 !== s2 && !first.overlay.some((l) => l.startsWith("ID ")) && leaked === 0,
      `pseudonyms ${s1 ? "shown" : "missing"} / ${s2 ? "shown" : "missing"}${s1 && s1 === s2 ? " (the same)" : ""}, ${leaked} real names or IDs on the page`,
    );
    await rp.close();
  }
  // damaged and unknown manifests: the share cannot be read, said so
  {
    const dp = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const bad = await shareTwo({ cli: false, alter: (m) => (m.series[m.series.length - 1].study = m.studies.length) });
    let hd = await open(dp, bad.link);
    let text = await dp.textContent("#message-text");
    check("a series naming a study out of range: the damaged-share page", hd.state === "error:format" && /damaged/.test(text), text);
    const noStudies = await shareTwo({ cli: false, alter: (m) => delete m.studies });
    await dp.goto("about:blank");
    hd = await open(dp, noStudies.link);
    text = await dp.textContent("#message-text");
    check("a manifest without its studies: the damaged-share page", hd.state === "error:format" && /damaged/.test(text), text);
    const newer = await shareTwo({ cli: false, alter: (m) => (m.version = 4) });
    await dp.goto("about:blank");
    hd = await open(dp, newer.link);
    text = await dp.textContent("#message-text");
    check("version 4: the viewer-too-old page", hd.state === "error:format" && /too old/.test(text), text);
    const older = await shareTwo({ cli: false, alter: (m) => (m.version = 2) });
    await dp.goto("about:blank");
    hd = await open(dp, older.link);
    text = await dp.textContent("#message-text");
    check("version 2 (before the padded stream): a page saying to ask for a new link", hd.state === "error:format" && /new link/.test(text), text);
    await dp.close();
  }

  // ---- decoding coverage: one file per transfer syntax, each compared with the core ----
  const cover = [
    ["pydicom/MR_small_implicit.dcm", "exact"],
    ["pydicom-data/emri_small_big_endian.dcm", "exact"],
    ["pydicom/image_dfl.dcm", "exact"],
    ["pylibjpeg-data/JPEGBaseline_1s_1f_u_08_08.dcm", "lossy"],
    ["dicom-test-files/WG04/JPLY/MR1_JPLY", "lossy"],
    ["pylibjpeg-data/JPEGLossless_1s_1f_u_16_12.dcm", "exact"],
    ["dicom-test-files/WG04/JPLL/CT1_JPLL", "exact"],
    ["dicom-test-files/WG04/JLSL/CT1_JLSL", "exact"],
    ["dicom-test-files/WG04/JLSN/CT1_JLSN", "lossy"],
    ["dicom-test-files/WG04/J2KR/CT1_J2KR", "exact"],
    ["dicom-test-files/WG04/J2KI/CT1_J2KI", "lossy"],
    ["pydicom-data/HTJ2K_08_RGB.dcm", "colour"],
    ["dicom-test-files/WG04/RLE/CT1_RLE", "exact"],
    ["dicom-test-files/WG04/RLE/RG3_RLE", "exact"],
    ["pydicom-data/emri_small_RLE.dcm", "exact"],
    ["pydicom-data/liver_deflate.dcm", "exact"],
    ["pydicom/SC_rgb_jpeg_dcmtk.dcm", "colour"],
    ["pydicom-data/US1_J2KR.dcm", "colour"],
    ["pydicom-data/vlut_04.dcm", "exact"],
    ["pydicom/SC_rgb_rle_32bit.dcm", "message"],
  ];
  const covDir = join(tmp, "coverage");
  cover.forEach(([f], i) => {
    const dir = join(covDir, "DICOM", "PT000000", "ST000000", `SE${String(i).padStart(6, "0")}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(SAMPLES, f), join(dir, "IM000000"));
  });
  writeFileSync(join(covDir, "README.TXT"), "decoding coverage fixture (tests/web)\n");
  // always the Node writer: a File-set of unrelated files, one series each
  const covShare = await share({ fileset: covDir }, { forceNode: true, seriesByFolder: true });
  const cp = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await open(cp, covShare.link);
  const lines = [];
  for (let i = 0; i < cover.length; i++) {
    const [f, kind] = cover[i];
    const file = join(covDir, "DICOM", "PT000000", "ST000000", `SE${String(i).padStart(6, "0")}`, "IM000000");
    const before = (await hookOf(cp)).draws;
    const uid = (() => {
      const ds = dicomParser.parseDicom(readFileSync(file), { untilTag: "x00080018" });
      return ds.string("x00020010");
    })();
    // series i is SE00000i (the writer lists series in path order)
    await cp.click(`#series-list button[data-series="${i}"]`);
    await cp
      .waitForFunction((b) => window.__scanpass.draws > b || window.__scanpass.error === "image", before, { timeout: 20000 })
      .catch(() => {});
    let hh = await hookOf(cp);
    if (hh.error === "image" || !hh.path || join(covDir, hh.path) !== file) hh = null;
    // true pixels: one image pixel per screen pixel at least (large images are shown smoothed)
    if (hh) await cp.keyboard.press("1");
    if (kind === "message") {
      const msg = await cp.textContent("#image-error");
      const shown = await cp.$eval("#image-error", (e) => !e.hidden);
      check(`${f}: a message naming the syntax, not a black image`, shown && msg.includes(uid), msg);
      continue;
    }
    if (!hh) {
      check(`${f} (${uid}) shows`, false, (await cp.textContent("#image-error")).slice(0, 300));
      continue;
    }
    const [c2, r2] = dims(file);
    const res = await probe(cp, coreRender(file, { frame: hh.frame }), c2, r2, 300);
    // lossless: identical. Lossy: the loader's codec is not the core's (12-bit JPEG: a JavaScript
    // decoder vs libjpeg-turbo), so a few grey levels apart. Colour: YBR conversions round apart.
    const ok = kind === "exact" ? res.maxDiff === 0 : kind === "lossy" ? res.meanDiff <= 3 && res.maxDiff <= 8 : res.meanDiff <= 3;
    check(`${f} (${uid}${hh.frame ? `, frame ${hh.frame}` : ""}) vs core [${kind}]`, ok && res.compared > 50, JSON.stringify(res));
    lines.push(`${uid}\t${f}\t${JSON.stringify(res)}`);
  }
  writeFileSync(join(OUT, "coverage.tsv"), lines.join("\n") + "\n");
  await cp.close();

  // ---- error pages ----
  const ep = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // a fresh document each time (links that differ only in their fragment would not reload)
  const stateAfter = async (link) => {
    await ep.goto("about:blank");
    return (await open(ep, link)).state;
  };
  const [base, frag] = sagShare.link.split("#");
  check("missing fragment: its page", (await stateAfter(base)) === "error:bad_key");
  check("damaged key: its page", (await stateAfter(`${base}#${frag.slice(0, -10)}`)) === "error:bad_key");
  check("no relay or share id in the fragment: its page", (await stateAfter(`${base}#${frag.split("/").pop()}`)) === "error:bad_key");
  check(
    "a relay that is not https (nor this device): its page",
    (await stateAfter(`${base}#${frag.replace(/^http:\/\/127\.0\.0\.1/, "http://relay.example")}`)) === "error:bad_key",
  );
  const unknown = frag.replace(/\/[A-Za-z0-9_-]{22}\//, "/AAAAAAAAAAAAAAAAAAAAAA/");
  check("unknown share: not found page", (await stateAfter(`${base}#${unknown}`)) === "error:not_found");
  await ep.route("**/api/**", (r) => r.abort("connectionrefused"));
  check("relay unreachable: its page with a retry button", (await stateAfter(sagShare.link)) === "error:unreachable" && (await ep.isVisible("#message button")));
  await ep.unroute("**/api/**");
  await ep.screenshot({ path: join(OUT, "error-unreachable.png") });

  // passcode: wrong (attempts left), right; then locked after three wrong
  const pc = await share(sag, { passcode: "4711 seven tulip lanterns" });
  let st = await stateAfter(pc.link);
  check("passcode link asks for the passcode", st === "passcode" && (await ep.isVisible("#passcode")));
  await ep.fill("#passcode", "wrong one");
  await ep.click("#passcode-submit");
  // past "opening" (the passcode's Argon2id and the relay's answer), not only past "passcode"
  await ep.waitForFunction(() => !["passcode", "opening"].includes(window.__scanpass.state), null, { timeout: 30000 });
  const wrongText = await ep.textContent("#passcode-error");
  check("wrong passcode: said so, with attempts left", (await hookOf(ep)).state === "passcode-wrong" && /Wrong passcode\. 2 attempts left/.test(wrongText), wrongText);
  await ep.screenshot({ path: join(OUT, "error-wrong-passcode.png") });
  await ep.fill("#passcode", "  4711 seven tulip lanterns ");
  await ep.click("#passcode-submit");
  await ep.waitForFunction(() => window.__scanpass.firstImageAt !== null || window.__scanpass.state.startsWith("error"), null, { timeout: 30000 });
  check("right passcode (trimmed) opens the study", (await hookOf(ep)).state === "viewer-ready");
  const pc2 = await share(sag, { passcode: "right copper whistle rain" });
  await stateAfter(pc2.link);
  for (let i = 0; i < 3; i++) {
    await ep.fill("#passcode", `wrong ${i}`);
    await ep.click("#passcode-submit");
    await ep.waitForFunction(() => !["passcode"].includes(window.__scanpass.state) && !document.getElementById("passcode-submit").disabled, null, { timeout: 30000 });
    await ep.evaluate(() => (window.__scanpass.state = "passcode"));
  }
  await ep.waitForFunction(() => document.body.dataset.state === "error:locked", null, { timeout: 10000 }).catch(() => {});
  check("three wrong passcodes: locked page", (await ep.evaluate(() => document.body.dataset.state)) === "error:locked");

  // revoked and expired: 410
  const rv = await share(sag);
  await rv.revoke();
  check("revoked share: expired-or-revoked page", (await stateAfter(rv.link)) === "error:gone");
  await ep.screenshot({ path: join(OUT, "error-revoked.png") });
  const ex = await share(sag, { expiresSecs: 5 });
  await new Promise((r) => setTimeout(r, 5500));
  check("expired share: expired-or-revoked page", (await stateAfter(ex.link)) === "error:gone");
  await ep.close();
} finally {
  await browser.close();
  relay.child.kill();
  viewerHost.child.kill();
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\nscreenshots and coverage table in ${OUT}:`);
for (const f of readdirSync(OUT)) console.log(`  ${join(OUT, f)}`);
console.log(`web: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
