// The browser viewer's copies of the viewer rules (web/src/viewer/rules.ts, bundled for Node with
// the viewer's esbuild) against the vectors the core writes
// (docs/viewer-rule-vectors/viewer-rules.json, core/src/screens/viewer/vectors.rs): scroll
// sensitivity, window drag by modality and bit depth, lengths and their text, the cine rate
// clamp, zoom and pan, the overlay's numbers, orientation letters, names and dates. A rule changed
// on one side only fails here. Runs in a second; `node tests/web/viewer-rules-test.mjs` after
// `npm ci` in web/.

import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const v = JSON.parse(readFileSync(join(root, "docs/viewer-rule-vectors/viewer-rules.json"), "utf8"));
const esbuild = createRequire(join(root, "web/package.json"))("esbuild");
const tmp = mkdtempSync(join(tmpdir(), "scanpass-rules-"));
const bundle = join(tmp, "rules.mjs");
await esbuild.build({
  entryPoints: [join(root, "web/src/viewer/rules.ts")],
  bundle: true,
  format: "esm",
  platform: "node",
  outfile: bundle,
  logLevel: "error",
});
const r = await import(pathToFileURL(bundle).href);
rmSync(tmp, { recursive: true, force: true });

let passed = 0;
let failed = 0;
const near = (a, b) =>
  a === b || (a === null && b === null) || (typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
const same = (a, b) => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => same(x, b[i])) : near(a, b));
function suite(name, cases, run) {
  const bad = [];
  for (const c of cases) {
    const [got, want] = run(c);
    if (!same(got, want)) bad.push(`${JSON.stringify(c)} → ${JSON.stringify(got)}`);
  }
  const ok = bad.length === 0;
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "FAILED"}: viewer rules: ${name} (${cases.length} vectors)${ok ? "" : `\n  ${bad.join("\n  ")}`}`);
}
const nan = (x) => (x === null ? NaN : x);

suite("scroll pixels per slice", v.scroll_px_per_slice, (c) => [r.scrollPxPerSlice(c.height, c.slices), c.per]);
suite("scroll by distance, remainder carried", v.scroll, (c) => [r.scroll(c.carry, c.dy, c.per), [c.slices, c.carry_out]]);
suite("window drag range by modality and bit depth", v.drag_range, (c) => [
  r.dragRange(c.modality, c.bits_stored, c.signed, nan(c.slope), c.intercept),
  c.range,
]);
suite("window drag to centre and width", v.drag_window, (c) => [r.dragWindow(c.center, c.width, c.range, c.dx, c.dy), c.out]);
suite("length in mm, its text", v.length, (c) => [
  [c.spacing ? r.lengthMm(c.a, c.b, c.spacing) : null, r.lengthPx(c.a, c.b), r.lengthText(c.a, c.b, c.spacing)],
  [c.mm, c.px, c.text_en],
]);
suite("cine rate clamp", v.cine_fps, (c) => [r.cineFps(nan(c.requested)), c.fps]);
suite("zoom clamp", v.zoom, (c) => [r.zoom(c.zoom, c.factor), c.out]);
suite("pan after a zoom about a point", v.pan_after_zoom, (c) => [r.panAfterZoom(c.pan, c.zoom, c.new_zoom, c.focus, c.size), c.out]);
suite("overlay numbers", v.number, (c) => [[r.number(c.x), r.fixed(c.x, 1)], [c.text, c.fixed1]]);
suite("orientation letters", v.orientation, (c) => [r.orientationLetters(c.iop), c.letters]);
suite("person names", v.person_name, (c) => [r.personName(c.dicom), c.text]);
suite("dates in English and French", v.date, (c) => [[r.longDate(c.dicom, "en"), r.longDate(c.dicom, "fr")], [c.en, c.fr]]);

console.log(`viewer-rules: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
