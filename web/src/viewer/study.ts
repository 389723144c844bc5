// The study model: the series of the share in the order of the list, the patient of a study, the
// slices of a series (each frame of each file), and getting a slice ready to draw: fetch and
// decrypt its file, parse it, decode the frame, each step cached by bytes and shared by the
// display, the prefetch and the zip.

import { fetchFile, fetchRest, type Link, type Manifest, type Relay, type ShareKeys, type Study } from "../share";
import { readInstance, type Instance } from "../dicom";
import { decodeFrame, type DecodedFrame } from "../decode";
import { cacheBudget, LruMap } from "./lru";

/** One slice: a frame of a file of the manifest. */
export interface Item {
  file: number;
  frame: number;
}
/** A slice ready to draw: its parsed file and its decoded frame. */
export interface Ready {
  inst: Instance;
  frame: DecodedFrame;
}

export const itemKey = (it: Item) => `${it.file}:${it.frame}`;

/** The series in the order of the list: by study (the patient's order), then as in the manifest. */
export function seriesOrder(m: Manifest): number[] {
  return m.studies.flatMap((_, si) => m.series.flatMap((s, i) => (s.study === si ? [i] : [])));
}

/** The patient of a study: its own (a share of several patients' studies), else the share's. */
export function patientOf(m: Manifest, st: Study) {
  return st.patient !== undefined ? st.patient : m.patient;
}

/** The slices of series `i`: every frame of every file, in the manifest's order. */
export function slicesOf(m: Manifest, i: number): Item[] {
  const items: Item[] = [];
  for (const f of m.series[i].files) {
    const frames = Math.max(1, m.files[f]?.frames ?? 1);
    for (let k = 0; k < frames; k++) items.push({ file: f, frame: k });
  }
  return items;
}

/** The share's files as the viewer reads them, fetched once and kept while the budget allows. */
export class StudyFiles {
  // caches: file bytes (for decoding and the zip), parsed instances (which may keep their file's
  // bytes alive after `bytes` forgot them), frames being decoded, decoded frames. Their shares
  // of one budget add up to it, so what they hold together stays under it.
  private budget = cacheBudget((navigator as { deviceMemory?: number }).deviceMemory);
  private bytes = new LruMap<Promise<Uint8Array>>(this.budget / 4);
  private instances = new LruMap<Promise<Instance>>(this.budget / 4);
  private frames = new LruMap<Promise<DecodedFrame>>(this.budget / 8);
  private ready = new LruMap<Ready>((this.budget * 3) / 8);
  private prefetchGen = 0;

  constructor(
    private link: Link,
    private keys: ShareKeys,
    private relay: Relay,
    private m: Manifest,
  ) {}

  /** Every chunk of the share not fetched yet (its padding too), discarded: after a whole download
   * the relay has seen every chunk asked for, never where the files end (ADR 9). */
  fetchRest(): Promise<void> {
    return fetchRest(this.relay, this.keys, this.link.shareId, this.m);
  }

  /** File `f` of the manifest, decrypted (the chunks it spans fetched, cut and checked). */
  fileBytes(f: number): Promise<Uint8Array> {
    let p = this.bytes.get(f);
    if (!p) {
      const file = this.m.files[f];
      p = fetchFile(this.relay, this.keys, this.link.shareId, file, this.m.chunk_size);
      this.bytes.set(f, p, file.size);
      p.catch(() => this.bytes.delete(f));
    }
    return p;
  }

  private instance(f: number): Promise<Instance> {
    let p = this.instances.get(f);
    if (!p) {
      p = this.fileBytes(f).then((b) => readInstance(b));
      this.instances.set(f, p, this.m.files[f].size);
      p.catch(() => this.instances.delete(f));
    }
    return p;
  }

  /** The slice when it is decoded already (and marks it as recently used). */
  readyOf(it: Item): Ready | undefined {
    return this.ready.get(itemKey(it));
  }

  isReady(it: Item): boolean {
    return this.ready.has(itemKey(it));
  }

  load(it: Item): Promise<Ready> {
    const k = itemKey(it);
    const r = this.ready.get(k);
    if (r) return Promise.resolve(r);
    let p = this.frames.get(k);
    if (!p) {
      const file = this.m.files[it.file];
      const size = (file.rows ?? 512) * (file.cols ?? 512) * 4;
      p = this.instance(it.file).then((inst) => decodeFrame(inst, it.frame));
      this.frames.set(k, p, size);
      p.catch(() => this.frames.delete(k));
      p.then(async (frame) => {
        const inst = await this.instance(it.file);
        // decoded: counted once, in `ready`
        this.frames.delete(k);
        this.ready.set(k, { inst, frame }, frame.values.byteLength);
      }).catch(() => {});
    }
    return Promise.all([this.instance(it.file), p]).then(([inst, frame]) => ({ inst, frame }));
  }

  /** What the caches hold now and their budget, in bytes (for tests and diagnostics). */
  cacheBytes(): { held: number; budget: number } {
    const held = this.bytes.bytes + this.instances.bytes + this.frames.bytes + this.ready.bytes;
    return { held, budget: this.budget };
  }

  /** Loads the slices `items` in the background, nearest to `center` first, a few requests at a
   * time; a later call stops an earlier one. True when all were loaded (or failed, to be said when
   * shown) and no later call came. */
  async prefetch(items: Item[], center: number): Promise<boolean> {
    const gen = ++this.prefetchGen;
    const n = items.length;
    const order: number[] = [];
    const c = center;
    for (let d = 0; order.length < n; d++) {
      if (c + d < n) order.push(c + d);
      if (d > 0 && c - d >= 0) order.push(c - d);
    }
    let next = 0;
    const worker = async () => {
      while (next < order.length && gen === this.prefetchGen) {
        const i = order[next++];
        try {
          await this.load(items[i]);
        } catch {
          /* shown when that slice is displayed */
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    return gen === this.prefetchGen;
  }
}
