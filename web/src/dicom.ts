// One Part 10 file: its header read with dicom-parser, one frame's bytes cut out of Pixel Data,
// and decoded by cornerstone3D's DICOM image loader (its codecs run in Web Workers, `decode.ts`).

import * as dicomParser from "dicom-parser";
import { inflateSync } from "fflate";

export const SYNTAX_NAMES: Record<string, string> = {
  "1.2.840.10008.1.2": "Implicit VR Little Endian",
  "1.2.840.10008.1.2.1": "Explicit VR Little Endian",
  "1.2.840.10008.1.2.1.99": "Deflated Explicit VR Little Endian",
  "1.2.840.10008.1.2.2": "Explicit VR Big Endian",
  "1.2.840.10008.1.2.4.50": "JPEG Baseline (Process 1)",
  "1.2.840.10008.1.2.4.51": "JPEG Extended (Process 2 and 4)",
  "1.2.840.10008.1.2.4.57": "JPEG Lossless (Process 14)",
  "1.2.840.10008.1.2.4.70": "JPEG Lossless, First-Order Prediction (Process 14, SV1)",
  "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
  "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
  "1.2.840.10008.1.2.4.90": "JPEG 2000 (Lossless Only)",
  "1.2.840.10008.1.2.4.91": "JPEG 2000",
  "1.2.840.10008.1.2.4.201": "HTJ2K (Lossless Only)",
  "1.2.840.10008.1.2.4.202": "HTJ2K (Lossless RPCL)",
  "1.2.840.10008.1.2.4.203": "HTJ2K",
  "1.2.840.10008.1.2.5": "RLE Lossless",
  "1.2.840.10008.1.2.8.1": "Deflated Image Frame Compression",
  "1.2.840.10008.1.2.4.110": "JPEG XL Lossless",
  "1.2.840.10008.1.2.4.111": "JPEG XL JPEG Recompression",
  "1.2.840.10008.1.2.4.112": "JPEG XL",
  "1.2.840.10008.1.2.4.100": "MPEG2 Main Profile",
  "1.2.840.10008.1.2.4.102": "MPEG-4 AVC/H.264",
};

export const syntaxLabel = (uid: string) =>
  SYNTAX_NAMES[uid] ? `${uid} (${SYNTAX_NAMES[uid]})` : uid;

const NATIVE = new Set(["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2"]);
/** What the decoder worker handles (cornerstone's decodeImageFrame). */
export const DECODABLE = new Set([
  ...NATIVE,
  "1.2.840.10008.1.2.4.50",
  "1.2.840.10008.1.2.4.51",
  "1.2.840.10008.1.2.4.57",
  "1.2.840.10008.1.2.4.70",
  "1.2.840.10008.1.2.4.80",
  "1.2.840.10008.1.2.4.81",
  "1.2.840.10008.1.2.4.90",
  "1.2.840.10008.1.2.4.91",
  "1.2.840.10008.1.2.4.201",
  "1.2.840.10008.1.2.4.202",
  "1.2.840.10008.1.2.4.203",
  "1.2.840.10008.1.2.5",
  "1.2.840.10008.1.2.8.1",
  "1.2.840.10008.1.2.4.110",
  "1.2.840.10008.1.2.4.111",
  "1.2.840.10008.1.2.4.112",
]);

export interface Lut {
  first: number; // first input value mapped
  bits: number;
  data: Uint16Array;
}

export interface Instance {
  syntax: string;
  rows: number;
  cols: number;
  samples: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planar: number;
  frames: number;
  slope: number;
  intercept: number;
  modalityLut: Lut | null;
  windows: { center: number; width: number }[];
  voiFunction: "LINEAR" | "LINEAR_EXACT" | "SIGMOID";
  voiLut: Lut | null;
  pixelSpacing: [number, number] | null; // row spacing, column spacing (mm)
  spacingSource: string | null;
  modality: string | null;
  position: [number, number, number] | null;
  sliceLocation: number | null;
  instanceNumber: number | null;
  frameTimeMs: number | null;
  palette: [Lut, Lut, Lut] | null;
  seriesDescription: string | null;
  patientName: string | null;
  studyDate: string | null;
  studyDescription: string | null;
  float: boolean;
  dataSet: dicomParser.DataSet;
}

export class DecodeError extends Error {}

function nums(ds: dicomParser.DataSet, tag: string): number[] {
  const s = ds.string(tag);
  if (!s) return [];
  return s
    .split("\\")
    .map((x) => parseFloat(x))
    .filter((x) => Number.isFinite(x));
}

function lutFrom(ds: dicomParser.DataSet, descTag: string, dataTag: string): Lut | null {
  const desc = ds.elements[descTag];
  const data = ds.elements[dataTag];
  if (!desc || !data) return null;
  const n0 = ds.uint16(descTag, 0) ?? 0;
  const n = n0 === 0 ? 65536 : n0;
  // The first mapped value is signed when the pixels are (descriptor VR US or SS).
  let first = ds.uint16(descTag, 1) ?? 0;
  if (ds.uint16("x00280103") === 1 && first > 32767) first -= 65536;
  const bits = ds.uint16(descTag, 2) ?? 16;
  const out = new Uint16Array(n);
  const bytes = ds.byteArray;
  if (data.length >= n * 2) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + data.dataOffset, data.length);
    const le = !ds.elements.x00020010 || ds.string("x00020010") !== "1.2.840.10008.1.2.2";
    for (let i = 0; i < n; i++) out[i] = dv.getUint16(i * 2, le);
  } else if (data.length >= n) {
    for (let i = 0; i < n; i++) out[i] = bytes[data.dataOffset + i];
  } else return null;
  return { first, bits, data: out };
}

function firstItem(ds: dicomParser.DataSet, tag: string): dicomParser.DataSet | null {
  const el = ds.elements[tag];
  return el?.items?.[0]?.dataSet ?? null;
}

function parse(bytes: Uint8Array): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      inflater: ((arr: Uint8Array, position: number) => {
        const inflated = inflateSync(arr.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position));
        full.set(inflated, position);
        return full;
      }) as unknown as (arr: Uint8Array, position: number) => void,
    });
  } catch (e) {
    throw new DecodeError(`this file cannot be read as DICOM (${e instanceof Error ? e.message : e})`);
  }
}

export function readInstance(bytes: Uint8Array): Instance {
  const ds = parse(bytes);
  const syntax = (ds.string("x00020010") ?? "1.2.840.10008.1.2").replace(/\0/g, "").trim();
  const windowsC = nums(ds, "x00281050");
  const windowsW = nums(ds, "x00281051");
  const windows = windowsC
    .map((center, i) => ({ center, width: windowsW[i] }))
    .filter((w) => Number.isFinite(w.width));
  const fn = (ds.string("x00281056") ?? "LINEAR").trim().toUpperCase();
  const voiSeq = firstItem(ds, "x00283010");
  const modSeq = firstItem(ds, "x00283000");
  const ps = nums(ds, "x00280030");
  const ips = nums(ds, "x00181164");
  const ipp = nums(ds, "x00200032");
  const photometric = (ds.string("x00280004") ?? "MONOCHROME2").trim().toUpperCase();
  const ft = nums(ds, "x00181063")[0];
  const cineRate = nums(ds, "x00180040")[0] ?? nums(ds, "x00082144")[0];
  const palette =
    photometric === "PALETTE COLOR"
      ? [
          lutFrom(ds, "x00281101", "x00281201"),
          lutFrom(ds, "x00281102", "x00281202"),
          lutFrom(ds, "x00281103", "x00281203"),
        ]
      : null;
  const float = !!ds.elements.x7fe00008 || !!ds.elements.x7fe00009;
  return {
    syntax,
    rows: ds.uint16("x00280010") ?? 0,
    cols: ds.uint16("x00280011") ?? 0,
    samples: ds.uint16("x00280002") ?? 1,
    photometric,
    bitsAllocated: ds.uint16("x00280100") ?? 16,
    bitsStored: ds.uint16("x00280101") ?? ds.uint16("x00280100") ?? 16,
    pixelRepresentation: ds.uint16("x00280103") ?? 0,
    planar: ds.uint16("x00280006") ?? 0,
    frames: Math.max(1, parseInt(ds.string("x00280008") ?? "1", 10) || 1),
    slope: nums(ds, "x00281053")[0] ?? 1,
    intercept: nums(ds, "x00281052")[0] ?? 0,
    modalityLut: modSeq ? lutFrom(modSeq, "x00283002", "x00283006") : null,
    windows,
    voiFunction: fn === "LINEAR_EXACT" || fn === "SIGMOID" ? fn : "LINEAR",
    voiLut: voiSeq ? lutFrom(voiSeq, "x00283002", "x00283006") : null,
    pixelSpacing: ps.length >= 2 ? [ps[0], ps[1]] : ips.length >= 2 ? [ips[0], ips[1]] : null,
    spacingSource: ps.length >= 2 ? "Pixel Spacing" : ips.length >= 2 ? "Imager Pixel Spacing" : null,
    position: ipp.length >= 3 ? [ipp[0], ipp[1], ipp[2]] : null,
    sliceLocation: nums(ds, "x00201041")[0] ?? null,
    instanceNumber: nums(ds, "x00200013")[0] ?? null,
    frameTimeMs: ft ?? (cineRate ? 1000 / cineRate : null),
    palette: palette && palette.every((l) => l) ? (palette as [Lut, Lut, Lut]) : null,
    seriesDescription: ds.string("x0008103e") ?? null,
    patientName: ds.string("x00100010") ?? null,
    modality: ds.string("x00080060")?.trim() || null,
    studyDate: ds.string("x00080020") ?? null,
    studyDescription: ds.string("x00081030") ?? null,
    float,
    dataSet: ds,
  };
}

/** The bytes of frame `index` as stored (native) or as one codestream (encapsulated). */
export function frameBytes(inst: Instance, index: number): Uint8Array {
  const ds = inst.dataSet;
  const el = ds.elements.x7fe00010 ?? ds.elements.x7fe00008 ?? ds.elements.x7fe00009;
  if (!el) throw new DecodeError("this file has no pixel data");
  if (el.encapsulatedPixelData) {
    const fragments = el.fragments ?? [];
    if (el.basicOffsetTable && el.basicOffsetTable.length)
      return dicomParser.readEncapsulatedImageFrame(ds, el, index) as Uint8Array;
    if (fragments.length === inst.frames)
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, index) as Uint8Array;
    if (inst.frames === 1)
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length) as Uint8Array;
    const bot = dicomParser.createJPEGBasicOffsetTable(ds, el);
    return dicomParser.readEncapsulatedImageFrame(ds, el, index, bot) as Uint8Array;
  }
  const pixels = inst.rows * inst.cols * inst.samples;
  if (inst.bitsAllocated === 1) {
    const start = index * pixels;
    const out = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const bit = start + i;
      out[i] = (ds.byteArray[el.dataOffset + (bit >> 3)] >> (bit & 7)) & 1;
    }
    return out;
  }
  const size = (pixels * inst.bitsAllocated) / 8;
  const offset = el.dataOffset + index * size;
  if (offset + size > el.dataOffset + el.length || offset + size > ds.byteArray.length)
    throw new DecodeError(`frame ${index + 1} is beyond the end of the pixel data`);
  return ds.byteArray.slice(offset, offset + size);
}
