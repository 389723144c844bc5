// The viewer's rules, the TypeScript copy of the core's (core/src/screens/viewer/rules.rs and
// core/src/text): scroll sensitivity, window drag, lengths, cine rate, zoom, the overlay's
// numbers, orientation letters, names and dates. tests/web/viewer-rules-test.mjs holds this file
// to the vectors the core writes (docs/viewer-rule-vectors/viewer-rules.json): change a rule in
// the core, regenerate the vectors, and this file must follow.

export type Pt = [number, number];

export const SCROLL_PX_PER_SLICE: [number, number] = [2, 12];
export const DRAG_PX_FOR_RANGE = 600;
export const DRAG_MIN_STEP = 0.05;
export const CT_RANGE_HU: [number, number] = [-1024, 3071];
export const ZOOM_RANGE: [number, number] = [0.1, 40];
export const CINE_FPS_RANGE: [number, number] = [1, 60];
export const CINE_DEFAULT_FPS = 10;
export const OBLIQUE_MIN = 0.342;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Pixels of drag per slice for a viewport `height` tall showing `slices` slices. */
export function scrollPxPerSlice(height: number, slices: number): number {
  const [lo, hi] = SCROLL_PX_PER_SLICE;
  if (!(Number.isFinite(height) && height > 0)) return hi;
  return clamp(height / Math.max(1, slices), lo, hi);
}

/** A scroll gesture: [slices to move, pixels carried]. */
export function scroll(carry: number, dy: number, per: number): [number, number] {
  const acc = carry + dy;
  const n = Math.trunc(acc / per);
  return [n, acc - n * per];
}

/** The range a window drag spans, in modality units, for a modality and a bit depth. */
export function dragRange(modality: string, bitsStored: number, signed: boolean, slope: number, intercept: number): [number, number] {
  const bits = clamp(bitsStored, 1, 16);
  const [lo, hi] = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
  const s = Number.isFinite(slope) && slope !== 0 ? slope : 1;
  const i = Number.isFinite(intercept) ? intercept : 0;
  const a0 = lo * s + i;
  const b0 = hi * s + i;
  const a = Math.min(a0, b0);
  const b = Math.max(a0, b0);
  if (modality.trim().toUpperCase() === "CT") return [Math.max(a, CT_RANGE_HU[0]), Math.min(b, CT_RANGE_HU[1])];
  return [a, b];
}

/** The window after a drag of (dx, dy) pixels: down raises the centre, right widens. */
export function dragWindow(center: number, width: number, range: [number, number], dx: number, dy: number): [number, number] {
  const step = Math.max((range[1] - range[0]) / DRAG_PX_FOR_RANGE, DRAG_MIN_STEP);
  return [center + dy * step, Math.max(1, width + dx * step)];
}

/** Millimetres between image points (column, row) with spacing [row, column] mm. */
export function lengthMm(a: Pt, b: Pt, spacing: [number, number]): number {
  return Math.hypot((b[0] - a[0]) * spacing[1], (b[1] - a[1]) * spacing[0]);
}

export function lengthPx(a: Pt, b: Pt): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

/** "42.3 mm", or "120.5 px (not calibrated)" (English, as the browser viewer speaks). */
export function lengthText(a: Pt, b: Pt, spacing: [number, number] | null | undefined): string {
  if (spacing) return `${fixed(lengthMm(a, b, spacing), 1)} mm`;
  return `${fixed(lengthPx(a, b), 1)} px (not calibrated)`;
}

/** The cine rate for what was asked: 1 to 60 frames a second; NaN or 0 gives the default. */
export function cineFps(requested: number): number {
  if (Number.isNaN(requested) || requested === 0) return CINE_DEFAULT_FPS;
  return clamp(requested, CINE_FPS_RANGE[0], CINE_FPS_RANGE[1]);
}

export function zoom(z: number, factor: number): number {
  return clamp(z * factor, ZOOM_RANGE[0], ZOOM_RANGE[1]);
}

/** The pan after zooming from `z` to `nz` about `focus` in a viewport of `size`. */
export function panAfterZoom(pan: Pt, z: number, nz: number, focus: Pt, size: Pt): Pt {
  const f = nz / z;
  const cx = size[0] / 2;
  const cy = size[1] / 2;
  return [focus[0] - cx - (focus[0] - cx - pan[0]) * f, focus[1] - cy - (focus[1] - cy - pan[1]) * f];
}

/** Rust's f64::round: halves away from zero. */
const roundAway = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));

/** `x` with `decimals` decimals, halves away from zero; no "-0". */
export function fixed(x: number, decimals: number): string {
  const m = 10 ** decimals;
  const s = (roundAway(x * m) / m).toFixed(decimals);
  return /^-[0.]+$/.test(s) ? s.slice(1) : s;
}

/** A millimetre or window value: whole from 100 up, else one decimal (none when it is .0). */
export function number(x: number): string {
  if (Math.abs(x) >= 100) return fixed(x, 0);
  return fixed(x, 1).replace(/\.0$/, "");
}

/** DICOM's letters for a direction (x Left, y Posterior, z Head), strongest first. */
export function directionLetters(v: [number, number, number]): string {
  const norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (!(Number.isFinite(norm) && norm > 1e-6)) return "";
  const names: [string, string][] = [
    ["L", "R"],
    ["P", "A"],
    ["H", "F"],
  ];
  return v
    .map((c, i) => ({ m: Math.abs(c / norm), l: c > 0 ? names[i][0] : names[i][1] }))
    .filter((x) => x.m >= OBLIQUE_MIN)
    .sort((p, q) => q.m - p.m)
    .map((x) => x.l)
    .join("");
}

/** Letters outside the top, right, bottom and left edges from Image Orientation (Patient). */
export function orientationLetters(iop: number[]): [string, string, string, string] | null {
  const row: [number, number, number] = [iop[0], iop[1], iop[2]];
  const col: [number, number, number] = [iop[3], iop[4], iop[5]];
  const neg = (v: [number, number, number]): [number, number, number] => [-v[0], -v[1], -v[2]];
  const l: [string, string, string, string] = [directionLetters(neg(col)), directionLetters(row), directionLetters(col), directionLetters(neg(row))];
  return l.every((x) => x) ? l : null;
}

/** `JEAN-LUC O'NEIL` → `Jean-Luc O'Neil`. */
function titleCase(s: string): string {
  let out = "";
  let start = true;
  for (const c of s) {
    out += start ? c.toUpperCase() : c.toLowerCase();
    start = c === " " || c === "-" || c === "'" || c === "’";
  }
  return out;
}

/** A DICOM person name as people write it: prefix, given and middle names, the family name in
 * capitals, suffix; given names sent in capitals in title case. The first non-empty group. */
export function personName(pn: string | null | undefined): string {
  if (!pn) return "";
  const group = pn.split("=").find((g) => g.trim() !== "") ?? "";
  const [family = "", given = "", middle = "", prefix = "", suffix = ""] = group.split("^").map((x) => x.trim());
  const soft = (s: string) => (s !== s.toUpperCase() ? s : titleCase(s));
  return [soft(prefix), soft(given), soft(middle), family.toUpperCase(), suffix].filter(Boolean).join(" ");
}

const MONTHS: Record<"en" | "fr", string[]> = {
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
};

/** A DICOM date (YYYYMMDD, or YYYY.MM.DD) written out ("31 January 2024"); null when it is not a
 * real date. */
export function longDate(da: string | null | undefined, lang: "en" | "fr"): string | null {
  const d = (da ?? "").trim().replace(/\./g, "");
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d);
  if (!m) return null;
  const [y, mo, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, day));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== day) return null;
  return `${day} ${MONTHS[lang][mo - 1]} ${y}`;
}
