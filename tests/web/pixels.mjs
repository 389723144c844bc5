// Canvas pixels against the core's: `scanpass render` of the same file and window, and the
// viewer's canvas sampled at image pixels' centres through the test hook's image-to-canvas map.

import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import dicomParser from "dicom-parser";

/** The core's RGBA render of FILE (`scanpass render`, binary BIN), written under TMP and read back. */
export function coreRender(bin, tmp, file, { frame = 0, window = null, preset = null } = {}) {
  const out = join(tmp, `render-${Math.random().toString(36).slice(2)}.rgba`);
  const args = ["render", file, "--frame", String(frame), "--out", out];
  if (window) args.push("--window", `${window.center},${window.width}`);
  if (preset) args.push("--preset", preset);
  execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const b = readFileSync(out);
  rmSync(out);
  return b;
}

/** Samples the visible canvas at image pixels' centres; compares with the core's RGBA. */
export async function probe(page, rgba, cols, rows, n = 400) {
  const pts = [];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) pts.push([Math.floor(rnd() * cols), Math.floor(rnd() * rows)]);
  const got = await page.evaluate((pts) => {
    const c = document.getElementById("canvas");
    const ctx = c.getContext("2d");
    const dpr = window.devicePixelRatio || 1;
    return pts.map(([x, y]) => {
      const [cx, cy] = window.__scanpass.imageToCanvas(x + 0.5, y + 0.5);
      const px = Math.floor(cx * dpr);
      const py = Math.floor(cy * dpr);
      if (px < 0 || py < 0 || px >= c.width || py >= c.height) return null;
      return Array.from(ctx.getImageData(px, py, 1, 1).data);
    });
  }, pts);
  let compared = 0;
  let maxDiff = 0;
  let sum = 0;
  got.forEach((g, i) => {
    if (!g) return;
    const [x, y] = pts[i];
    const o = (y * cols + x) * 4;
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(g[k] - rgba[o + k]);
      maxDiff = Math.max(maxDiff, d);
      sum += d;
    }
    compared++;
  });
  return { compared, maxDiff, meanDiff: compared ? sum / (compared * 3) : 0 };
}

/** Columns, rows and the Pixel Spacing string of FILE. */
export const dims = (file) => {
  const ds = dicomParser.parseDicom(readFileSync(file), { untilTag: "x7fe00010" });
  return [ds.uint16("x00280011"), ds.uint16("x00280010"), ds.string("x00280030")];
};

/** The test hook without its function (what tests compare). */
export const hookOf = (page) => page.evaluate(() => ({ ...window.__scanpass, imageToCanvas: undefined }));

/** Waits until the viewer drew again after `before` draws (or said the image failed). */
export async function waitDraw(page, before) {
  await page.waitForFunction((b) => window.__scanpass.draws > b || window.__scanpass.error === "image", before, { timeout: 20000 });
  return hookOf(page);
}
