// The display pipeline, the same as the core's (core/src/render/mod.rs) so the two can be compared
// pixel for pixel: modality LUT (rescale or LUT) -> VOI (the file's first window with its
// LINEAR / LINEAR_EXACT / SIGMOID function, else its VOI LUT, else the frame's range; or a window
// the reader chose, LINEAR) -> MONOCHROME1 inversion -> 8 bits; colour and palette as they come.

import type { Instance, Lut } from "./dicom";
import type { DecodedFrame } from "./decode";

export type VoiFn = "LINEAR" | "LINEAR_EXACT" | "SIGMOID";
export type Voi = { kind: "default" } | { kind: "window"; center: number; width: number; label?: string };
export type Applied =
  | { kind: "window"; center: number; width: number; fn: VoiFn }
  | { kind: "lut" }
  | { kind: "colour" };

/** Rust's f64::round: halves away from zero. */
const round = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));

const lutGet = (l: Lut, v: number) => {
  let i = v - l.first;
  if (i < 0) i = 0;
  else if (i > l.data.length - 1) i = l.data.length - 1;
  return l.data[i];
};
const lutMax = (l: Lut) => 2 ** Math.min(16, Math.max(1, l.bits)) - 1;

export function windowFn(x: number, c: number, w: number, f: VoiFn): number {
  if (f === "LINEAR") {
    const w1 = Math.max(w - 1, 0);
    if (w1 === 0) return x <= c - 0.5 ? 0 : 1;
    if (x <= c - 0.5 - w1 / 2) return 0;
    if (x > c - 0.5 + w1 / 2) return 1;
    return (x - (c - 0.5)) / w1 + 0.5;
  }
  if (f === "LINEAR_EXACT") {
    if (x <= c - w / 2) return 0;
    if (x > c + w / 2) return 1;
    return (x - c) / w + 0.5;
  }
  return 1 / (1 + Math.exp((-4 * (x - c)) / w));
}

function minMax(v: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

/** What a grey frame's chain is, for a VOI choice. */
export function resolve(inst: Instance, frame: DecodedFrame, voi: Voi) {
  const modality = inst.modalityLut
    ? (v: number) => lutGet(inst.modalityLut!, round(v))
    : (v: number) => v * inst.slope + inst.intercept;
  const [lo, hi] = frame.color === "grey" ? minMax(frame.values as ArrayLike<number>) : [0, 0];
  let applied: Applied;
  if (frame.color !== "grey") applied = { kind: "colour" };
  else if (voi.kind === "window") applied = { kind: "window", center: voi.center, width: voi.width, fn: "LINEAR" };
  else if (inst.windows.length) {
    const w = inst.windows[0];
    const fn = inst.voiFunction === "LINEAR" && w.width < 1 ? "LINEAR_EXACT" : inst.voiFunction;
    applied = { kind: "window", center: w.center, width: w.width, fn };
  } else if (inst.voiLut) applied = { kind: "lut" };
  else {
    const a0 = modality(lo);
    const b0 = modality(hi);
    const a = Math.min(a0, b0);
    const b = Math.max(a0, b0);
    applied = { kind: "window", center: (a + b) / 2, width: Math.max(b - a, 1e-9), fn: "LINEAR_EXACT" };
  }
  return { modality, lo, hi, applied };
}

/** Modality-unit range of a grey frame (for window drag sensitivity). */
export function modalityRange(inst: Instance, frame: DecodedFrame): [number, number] {
  const { modality, lo, hi } = resolve(inst, frame, { kind: "default" });
  const a = modality(lo);
  const b = modality(hi);
  return [Math.min(a, b), Math.max(a, b)];
}

let tableCache: { key: string; table: Uint32Array } | null = null;

/** Renders into `out` (rows x cols x 4 bytes, RGBA) and says which window it applied. */
export function renderInto(inst: Instance, frame: DecodedFrame, voi: Voi, invertExtra: boolean, out: Uint8ClampedArray): Applied {
  const n = frame.rows * frame.cols;
  const out32 = new Uint32Array(out.buffer, out.byteOffset, n);
  if (frame.color === "rgb") {
    const v = frame.values as Uint8Array;
    for (let i = 0, j = 0; i < n; i++, j += 3) out32[i] = 0xff000000 | (v[j + 2] << 16) | (v[j + 1] << 8) | v[j];
    return { kind: "colour" };
  }
  if (frame.color === "palette") {
    const [r, g, b] = inst.palette!;
    const to8 = (l: Lut, x: number) => (l.bits > 8 ? lutGet(l, x) >> 8 : lutGet(l, x)) & 255;
    const v = frame.values as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      out32[i] = 0xff000000 | (to8(b, x) << 16) | (to8(g, x) << 8) | to8(r, x);
    }
    return { kind: "colour" };
  }
  const { modality, lo, hi, applied } = resolve(inst, frame, voi);
  const invert = invertExtra !== (inst.photometric === "MONOCHROME1");
  const display = (stored: number) => {
    const x = modality(stored);
    let y: number;
    if (applied.kind === "window") y = windowFn(x, applied.center, applied.width, applied.fn);
    else y = lutGet(inst.voiLut!, round(x)) / lutMax(inst.voiLut!);
    y = Math.round(Math.min(1, Math.max(0, y)) * 255);
    if (invert) y = 255 - y;
    return 0xff000000 | (y << 16) | (y << 8) | y;
  };
  const v = frame.values;
  const integer = !(v instanceof Float32Array || v instanceof Float64Array);
  if (integer && hi - lo < 1 << 20) {
    const key = [
      lo, hi, inst.slope, inst.intercept, !!inst.modalityLut, JSON.stringify(applied), invert,
      inst.modalityLut ? inst.dataSet.byteArray.byteOffset : 0, inst.voiLut ? inst.dataSet.byteArray.length : 0,
    ].join("|");
    let table: Uint32Array;
    if (tableCache && tableCache.key === key && !inst.modalityLut && !inst.voiLut) table = tableCache.table;
    else {
      table = new Uint32Array(hi - lo + 1);
      for (let x = lo; x <= hi; x++) table[x - lo] = display(x);
      tableCache = { key, table };
    }
    for (let i = 0; i < n; i++) out32[i] = table[(v[i] as number) - lo];
  } else {
    for (let i = 0; i < n; i++) {
      const x = v[i] as number;
      out32[i] = Number.isFinite(x) ? display(x) : 0xff000000;
    }
  }
  return applied;
}
