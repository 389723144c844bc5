// The browser peer of benches/scroll: the web viewer's decoders (cornerstone3D's dicom-image-loader
// codecs in the viewer's Web Worker pool, web/src/decode.ts) and its display pipeline
// (web/src/render.ts) replay the scroll `scanpass scroll-bench` replays, on the same files.
//
// The files are fetched and parsed before the clock starts (the viewer would also fetch and
// decrypt them: that favours this peer). The prefetch is the viewer's (web/src/viewer/study.ts,
// `prefetch`): once the first image is shown, six loads in flight, nearest to the slice shown
// first, over the whole series, decoded frames kept. A slice is asked for at its time, or when the
// one before it is ready if that is later; its wait runs from the ask to its RGBA written.
import { decodeFrame, type DecodedFrame } from "../../../web/src/decode";
import { readInstance, type Instance } from "../../../web/src/dicom";
import { renderInto } from "../../../web/src/render";

declare global {
  interface Window {
    scrollBench: (urls: string[], fps: number) => Promise<unknown>;
  }
}

window.scrollBench = async (urls: string[], fps: number) => {
  const bytes = await Promise.all(urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
  const n = bytes.length;
  const t0 = performance.now();
  const insts: (Instance | undefined)[] = new Array(n);
  const inst = (i: number) => (insts[i] ??= readInstance(bytes[i]));
  const frames = new Map<number, Promise<DecodedFrame>>();
  const load = (i: number) => {
    let p = frames.get(i);
    if (!p) {
      p = decodeFrame(inst(i), 0);
      frames.set(i, p);
    }
    return p;
  };
  const first = inst(0);
  const rgba = new Uint8ClampedArray(first.rows * first.cols * 4);
  renderInto(first, await load(0), { kind: "default" }, false, rgba);
  const firstSliceMs = performance.now() - t0;

  // the viewer's prefetch: six loads in flight, nearest to the centre first (the viewer opens on
  // the middle slice; this replay, as scroll-bench, on slice 0, so the order is 0, 1, 2, ...)
  const order = Array.from({ length: n }, (_, i) => i);
  let next = 0;
  const worker = async () => {
    while (next < order.length) await load(order[next++]).catch(() => {});
  };
  const prefetchDone = Promise.all(Array.from({ length: 6 }, worker));

  const asks: number[] = [];
  for (let k = 1; k < n; k++) asks.push(k);
  for (let k = n - 2; k >= 0; k--) asks.push(k);
  const back = Math.min(n, Math.max(1, Math.round(fps)));
  for (let k = n - 1; k >= n - back; k--) asks.push(k);
  const interval = 1000 / fps;
  const waits: number[] = [];
  const readyAt: number[] = [];
  const start = performance.now();
  let due = start;
  for (const k of asks) {
    const early = due - performance.now();
    if (early > 0) await new Promise((r) => setTimeout(r, early));
    const asked = performance.now();
    const frame = await load(k);
    renderInto(inst(k), frame, { kind: "default" }, false, rgba);
    const now = performance.now();
    waits.push(now - asked);
    readyAt.push(now - start);
    due = Math.max(due + interval, performance.now());
  }
  const elapsed = performance.now() - start;
  await prefetchDone;
  return { slices: asks.length, forward: n - 1, fps_asked: fps, first_slice_ms: firstSliceMs, elapsed_ms: elapsed, waits, ready_at_ms: readyAt };
};
