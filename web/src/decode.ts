// Decoding one frame to stored values: native syntaxes, JPEG, JPEG-LS, JPEG 2000, HTJ2K, RLE and
// deflate through cornerstone3D's DICOM image loader, in a small pool of Web Workers.

import { wrap, transfer, type Remote } from "comlink";
import { inflateSync } from "fflate";
import { DECODABLE, DecodeError, frameBytes, syntaxLabel, type Instance } from "./dicom";

export type Stored =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

export interface DecodedFrame {
  rows: number;
  cols: number;
  /** Grey: stored values, one per pixel. Colour: RGB bytes, three per pixel (already converted). */
  values: Stored;
  color: "grey" | "rgb" | "palette";
  decodeMs: number;
}

interface DecoderApi {
  decodeTask(args: {
    imageFrame: Record<string, unknown>;
    transferSyntax: string;
    decodeConfig: Record<string, unknown>;
    options: Record<string, unknown>;
    pixelData: Uint8Array;
  }): Promise<{ pixelData: Stored; rows: number; columns: number; photometricInterpretation?: string }>;
}

const POOL = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 0));
const workers: { api: Remote<DecoderApi>; busy: number }[] = [];


/** The least busy worker; a new one while the pool is not full and all are busy. */
function pick() {
  const idle = workers.find((w) => w.busy === 0);
  if (idle) return idle;
  if (workers.length < POOL) {
    const w = new Worker(new URL("./decode-worker.ts", import.meta.url), { type: "module" });
    workers.push({ api: wrap<DecoderApi>(w), busy: 0 });
    return workers[workers.length - 1];
  }
  return workers.reduce((a, b) => (b.busy < a.busy ? b : a));
}

async function run(inst: Instance, bytes: Uint8Array) {
  const slot = pick();
  slot.busy++;
  try {
    return await slot.api.decodeTask(
      transfer(
        {
          imageFrame: {
            rows: inst.rows,
            columns: inst.cols,
            bitsAllocated: inst.bitsAllocated === 1 ? 8 : inst.bitsAllocated,
            bitsStored: inst.bitsStored,
            pixelRepresentation: inst.pixelRepresentation,
            samplesPerPixel: inst.samples,
            photometricInterpretation: inst.photometric,
            planarConfiguration: inst.planar,
          },
          transferSyntax: inst.syntax,
          decodeConfig: {},
          options: { preScale: { enabled: false } },
          pixelData: bytes,
        },
        [bytes.buffer],
      ),
    );
  } finally {
    slot.busy--;
  }
}

const JPEG_FAMILY = /^1\.2\.840\.10008\.1\.2\.4\.(50|51|57|70|90|91|201|202|203)$/;

export async function decodeFrame(inst: Instance, index: number): Promise<DecodedFrame> {
  const t0 = performance.now();
  if (!DECODABLE.has(inst.syntax))
    throw new DecodeError(`this viewer cannot decode transfer syntax ${syntaxLabel(inst.syntax)}`);
  if (inst.rows === 0 || inst.cols === 0) throw new DecodeError("this file has no image (no rows or columns)");
  const raw = frameBytes(inst, index);
  const { rows, cols, samples } = inst;
  let values: Stored;
  if (inst.syntax === "1.2.840.10008.1.2.8.1" && inst.bitsAllocated === 1) {
    // Deflated Image Frame Compression of 1-bit pixels: the loader expects whole bytes, so inflate
    // here and unpack the bits (least significant first, as native 1-bit data).
    const packed = inflateSync(raw);
    const u = new Uint8Array(rows * cols * samples);
    for (let i = 0; i < u.length; i++) u[i] = (packed[i >> 3] >> (i & 7)) & 1;
    values = u;
  } else if (inst.float) {
    const copy = raw.slice().buffer;
    values = inst.bitsAllocated === 64 ? new Float64Array(copy) : new Float32Array(copy);
  } else {
    let out;
    try {
      out = await run(inst, raw.slice());
    } catch (e) {
      throw new DecodeError(
        `this viewer could not decode this image, transfer syntax ${syntaxLabel(inst.syntax)}: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
    }
    values = out.pixelData;
    if (!values || values.length < rows * cols * samples)
      throw new DecodeError(
        `the decoder returned too few pixels for transfer syntax ${syntaxLabel(inst.syntax)}`,
      );
  }
  // As the core: bits above Bits Stored cleared (unsigned); signed values were sign-extended.
  if (samples === 1 && inst.pixelRepresentation === 0 && inst.bitsStored < inst.bitsAllocated && !inst.float) {
    const mask = inst.bitsStored >= 32 ? 0xffffffff : (1 << inst.bitsStored) - 1;
    let needs = false;
    for (let i = 0; i < values.length; i++)
      if ((values[i] as number) > mask) {
        needs = true;
        break;
      }
    if (needs) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) & mask;
  }
  if (samples === 1) {
    const color = inst.photometric === "PALETTE COLOR" && inst.palette ? "palette" : "grey";
    return { rows, cols, values, color, decodeMs: performance.now() - t0 };
  }
  // Colour: to interleaved 8-bit RGB.
  const n = rows * cols;
  const rgb = new Uint8Array(n * 3);
  const shift = inst.bitsStored > 8 ? inst.bitsStored - 8 : 0;
  const codecConverted = JPEG_FAMILY.test(inst.syntax); // libjpeg-turbo and OpenJPEG give RGB
  const planar = inst.planar === 1 && !JPEG_FAMILY.test(inst.syntax) && !/\.4\.8[01]$/.test(inst.syntax);
  const get = planar
    ? (i: number, c: number) => (values[c * n + i] as number) >> shift
    : (i: number, c: number) => (values[i * 3 + c] as number) >> shift;
  const ybr = !codecConverted && inst.photometric.startsWith("YBR_FULL");
  if (ybr && inst.photometric === "YBR_FULL_422" && values.length < n * 3) {
    // native 4:2:2: Y Y Cb Cr per two pixels
    for (let i = 0; i < n; i += 2) {
      const b = (i / 2) * 4;
      const cb = values[b + 2] as number;
      const cr = values[b + 3] as number;
      for (let k = 0; k < 2 && i + k < n; k++) ybrToRgb(values[b + k] as number, cb, cr, rgb, (i + k) * 3);
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (ybr) ybrToRgb(get(i, 0), get(i, 1), get(i, 2), rgb, i * 3);
      else {
        rgb[i * 3] = get(i, 0);
        rgb[i * 3 + 1] = get(i, 1);
        rgb[i * 3 + 2] = get(i, 2);
      }
    }
  }
  return { rows, cols, values: rgb, color: "rgb", decodeMs: performance.now() - t0 };
}

function ybrToRgb(y: number, cb: number, cr: number, out: Uint8Array, o: number) {
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  out[o] = clamp(y + 1.402 * (cr - 128));
  out[o + 1] = clamp(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
  out[o + 2] = clamp(y + 1.772 * (cb - 128));
}
