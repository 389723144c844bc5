// The viewer on a phone: 360 × 740 CSS px at 2 device pixels per CSS px, touch. A real share of
// SAG-anon made by `scanpass share`, opened in Debian's chromium (playwright-core). With the
// tools folded the image has the screen; the "Tools" button opens them; a preset chosen there and
// a window dragged with one finger change the pixels, which stay equal to `scanpass render`; the
// slider scrolls by touch; turned to 740 × 360 the tools fold too; on a CT the Lung preset gives
// the core's pixels. Screenshots go to $OUT (phone-*.png).
//
//   node phone-test.mjs   (env: SCANPASS_BIN, SCANPASS_RELAY_BIN, SAMPLES, OUT, SCANPASS_WEB_DIST)

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { launch } from "./browser.mjs";
import { openLink, startRelay, startViewerHost } from "./hosts.mjs";
import { coreRender, dims, hookOf, probe, waitDraw } from "./pixels.mjs";

const BIN = process.env.SCANPASS_BIN;
const OUT = process.env.OUT;
mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), "scanpass-phone-"));
const env = { ...process.env, SCANPASS_PASSPHRASE: "phone-test-vault" };
const sp = (args) => execFileSync(BIN, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

/** The image's share of the screen, what is shown, and every visible control smaller than 44 px. */
const layout = (page) =>
  page.evaluate(() => {
    const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    const c = document.getElementById("canvas").getBoundingClientRect();
    const controls = [...document.querySelectorAll("header button, .toolbar button, .toolbar select, .toolbar input, #slice")].filter(shown);
    const small = controls
      .map((el) => ({ id: el.id || el.dataset.tool || el.tagName, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 - 0.5 || r.width < 44 - 0.5)
      .map(({ id, r }) => `${id} ${Math.round(r.width)}x${Math.round(r.height)}`);
    return {
      share: c.height / window.innerHeight,
      canvas: [Math.round(c.width), Math.round(c.height)],
      toolbar: shown(document.getElementById("toolbar")),
      download: shown(document.getElementById("download")),
      toggle: shown(document.getElementById("tools-toggle")),
      expanded: document.getElementById("tools-toggle")?.getAttribute("aria-expanded") ?? null,
      toolNow: document.getElementById("tool-now")?.textContent ?? null,
      controls: controls.length,
      small,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  });

/** A sum over the canvas's pixels: whether what is on screen changed. */
const canvasSum = (page) =>
  page.evaluate(() => {
    const c = document.getElementById("canvas");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s = (s * 31 + d[i] + d[i + 1] * 3 + d[i + 2] * 7) % 2147483647;
    return s;
  });

const relay = await startRelay(process.env.SCANPASS_RELAY_BIN, tmp);
const viewerHost = await startViewerHost(process.env.SCANPASS_WEB_DIST);
env.SCANPASS_VIEWER = viewerHost.url;
const vault = join(tmp, "vault");
sp(["--vault", vault, "import", join(process.env.SAMPLES, "SAG-anon"), "--json"]);
const study = JSON.parse(sp(["--vault", vault, "studies", "--json"]))[0].id;
const fileset = join(tmp, "fileset");
sp(["--vault", vault, "export", study, "--out", fileset]);
const { link } = JSON.parse(sp(["--vault", vault, "share", study, "--relay", relay.url, "--json"]));

const browser = await launch();
try {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await openLink(page, link);
  let h = await hookOf(page);
  const file = () => join(fileset, h.path);
  const [cols, rows] = dims(file());

  // ---- folded: the image has the screen ----
  let l = await layout(page);
  let pr = await probe(page, coreRender(BIN, tmp, file()), cols, rows);
  await page.screenshot({ path: join(OUT, "phone-tools-folded.png") });
  check(
    "360 × 740, tools folded: the image at least 80% of the height and the full width, canvas = core render",
    h.state === "viewer-ready" && l.share >= 0.8 && l.canvas[0] === 360 && pr.compared > 300 && pr.maxDiff === 0,
    `image ${l.canvas.join(" × ")} CSS px, ${(l.share * 100).toFixed(1)}% of the height; ${JSON.stringify(pr)}`,
  );
  check(
    "tools folded: tool bar and download hidden, a Tools button naming the touch tool (Scroll), nothing wider than the screen",
    !l.toolbar && !l.download && l.toggle && l.expanded === "false" && l.toolNow === "Scroll" && l.overflow <= 0,
    `tool bar ${l.toolbar ? "shown" : "hidden"}, download ${l.download ? "shown" : "hidden"}, Tools button ${l.toggle ? `shown (${l.toolNow})` : "absent"}, overflow ${l.overflow}px`,
  );
  check("tools folded: every control on screen is a 44 px touch target", l.small.length === 0, `${l.controls} controls; too small: ${l.small.join(", ") || "none"}`);

  // ---- the Tools button opens them ----
  await page.tap("#tools-toggle");
  l = await layout(page);
  await page.screenshot({ path: join(OUT, "phone-tools-open.png") });
  check(
    "Tools opens the tool bar and the download; every control a 44 px touch target; nothing wider than the screen",
    l.toolbar && l.download && l.expanded === "true" && l.small.length === 0 && l.overflow <= 0,
    `tool bar ${l.toolbar ? "shown" : "hidden"}, download ${l.download ? "shown" : "hidden"}, ${l.controls} controls, too small: ${l.small.join(", ") || "none"}, image ${(l.share * 100).toFixed(1)}% of the height`,
  );

  // ---- a preset chosen there changes the pixels, as the core renders them ----
  let sum = await canvasSum(page);
  let before = h.applied;
  let d = h.draws;
  await page.selectOption("#preset", "auto");
  h = await waitDraw(page, d);
  let w = h.applied;
  pr = await probe(page, coreRender(BIN, tmp, file(), { window: w }), cols, rows);
  const sumPreset = await canvasSum(page);
  await page.screenshot({ path: join(OUT, "phone-preset-full-range.png") });
  check(
    "preset Full range from the opened tools: the window and the pixels change; canvas = core render at that window",
    w.kind === "window" && (w.center !== before.center || w.width !== before.width) && sumPreset !== sum && pr.maxDiff === 0 && pr.compared > 300,
    `C/W ${before.center}/${before.width} -> ${w.center}/${w.width}, ${JSON.stringify(pr)}`,
  );

  // ---- choosing the window tool folds the tools; one finger then drags the window ----
  await page.tap('[data-tool="window"]');
  l = await layout(page);
  check(
    "choosing a drag tool (Window) folds the tools and the Tools button names it",
    !l.toolbar && l.expanded === "false" && l.toolNow === "Window" && l.share >= 0.8,
    `tool bar ${l.toolbar ? "shown" : "hidden"}, button says ${l.toolNow}, image ${(l.share * 100).toFixed(1)}% of the height`,
  );
  const cdp = await ctx.newCDPSession(page);
  const vb = await page.locator("#viewport").boundingBox();
  const [cx, cy] = [vb.x + vb.width / 2, vb.y + vb.height / 2];
  const touch = (type, pts) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
  sum = await canvasSum(page);
  before = h.applied;
  d = h.draws;
  await touch("touchStart", [[cx, cy]]);
  for (let k = 1; k <= 6; k++) await touch("touchMove", [[cx + k * 10, cy + k * 6]]);
  await touch("touchEnd", []);
  h = await waitDraw(page, d);
  w = h.applied;
  pr = await probe(page, coreRender(BIN, tmp, file(), { window: w }), cols, rows);
  await page.screenshot({ path: join(OUT, "phone-window-drag.png") });
  check(
    "one finger drags the window: the pixels change; canvas = core render at that window",
    w.kind === "window" && (w.center !== before.center || w.width !== before.width) && (await canvasSum(page)) !== sum && pr.maxDiff === 0,
    `C/W ${before.center.toFixed(1)}/${before.width.toFixed(1)} -> ${w.center.toFixed(1)}/${w.width.toFixed(1)}, ${JSON.stringify(pr)}`,
  );

  // ---- the slider under the image scrolls by touch ----
  const sb = await page.locator("#slice").boundingBox();
  const i0 = h.index;
  await page.touchscreen.tap(sb.x + sb.width * 0.9, sb.y + sb.height / 2);
  await page.waitForFunction((i) => window.__scanpass.index !== i, i0, { timeout: 5000 }).catch(() => {});
  h = await hookOf(page);
  check("a tap on the slider moves through the slices", h.index > i0 + 40, `slice ${i0 + 1} -> ${h.index + 1} of ${h.count}; slider ${Math.round(sb.width)} × ${Math.round(sb.height)} CSS px`);
  check("no script errors on the page", errors.length === 0, errors.slice(0, 3).join(" | "));
  await ctx.close();

  // ---- the phone turned (740 × 360): the tools fold too, the slider stays on the screen ----
  const wide = await browser.newContext({ viewport: { width: 740, height: 360 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const lp = await wide.newPage();
  await openLink(lp, link);
  l = await layout(lp);
  const slider = await lp.evaluate(() => {
    const r = document.getElementById("slice").getBoundingClientRect();
    return r.height > 0 && r.bottom <= window.innerHeight;
  });
  await lp.screenshot({ path: join(OUT, "phone-landscape-folded.png") });
  check(
    "740 × 360 (turned), tools folded: the image at least 70% of the height, the slider on screen, 44 px targets",
    (await hookOf(lp)).state === "viewer-ready" && l.share >= 0.7 && !l.toolbar && l.toggle && slider && l.small.length === 0 && l.overflow <= 0,
    `image ${l.canvas.join(" × ")} CSS px, ${(l.share * 100).toFixed(1)}% of the height; slider ${slider ? "on screen" : "off screen"}; too small: ${l.small.join(", ") || "none"}`,
  );
  await wide.close();

  // ---- a CT on the phone: the Lung preset from the opened tools, as the core renders it ----
  const ctVault = join(tmp, "vault-ct");
  sp(["--vault", ctVault, "import", join(process.env.SAMPLES, "dicom-test-files/WG04/REF/CT1_UNC"), "--json"]);
  const ctStudy = JSON.parse(sp(["--vault", ctVault, "studies", "--json"]))[0].id;
  const ctFiles = join(tmp, "fileset-ct");
  sp(["--vault", ctVault, "export", ctStudy, "--out", ctFiles]);
  const ctLink = JSON.parse(sp(["--vault", ctVault, "share", ctStudy, "--relay", relay.url, "--json"])).link;
  const cc = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const cp = await cc.newPage();
  await openLink(cp, ctLink);
  h = await hookOf(cp);
  const ctFile = join(ctFiles, h.path);
  const [c2, r2] = dims(ctFile);
  await cp.tap("#tools-toggle");
  sum = await canvasSum(cp);
  d = h.draws;
  await cp.selectOption("#preset", "ct-lung");
  h = await waitDraw(cp, d);
  pr = await probe(cp, coreRender(BIN, tmp, ctFile, { preset: "ct-lung" }), c2, r2);
  await cp.screenshot({ path: join(OUT, "phone-ct-lung.png") });
  check(
    "CT at 360 × 740: preset Lung from the opened tools changes the pixels; canvas = `scanpass render --preset ct-lung`",
    h.applied?.kind === "window" && h.applied.center === -600 && h.applied.width === 1500 && (await canvasSum(cp)) !== sum && pr.compared > 300 && pr.maxDiff === 0,
    `C/W ${h.applied?.center}/${h.applied?.width}, ${JSON.stringify(pr)}`,
  );
  await cc.close();
} finally {
  await browser.close();
  relay.child.kill();
  viewerHost.child.kill();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`phone: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
