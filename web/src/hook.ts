// The test and benchmark hook, `window.__scanpass`: where the page is and what it drew. It never
// holds patient data or the key (tests/web and the benchmarks read it).

import type { Applied } from "./render";

export const hook = {
  state: "loading" as string,
  index: -1,
  count: 0,
  series: -1,
  study: -1, // the index in the manifest's studies of the series on screen
  studies: 0,
  clickedAt: null as number | null, // performance.now() when "Open the shared images" was clicked
  manifestAt: null as number | null, // performance.now() when the manifest was decrypted
  firstImageAt: null as number | null, // ... and when the first slice was on the canvas
  draws: 0,
  lastInputToDrawMs: null as number | null,
  applied: null as Applied | null,
  error: null as string | null,
  path: null as string | null, // the shown file's path in the File-set (DICOM/PT000000/...)
  frame: 0,
  imageToCanvas: (x: number, y: number) => [x, y] as [number, number],
  allLoaded: false,
  zoom: 1,
  // what the viewer's caches hold and their budget, in bytes (tests/web checks held <= budget)
  cacheBytes: () => ({ held: 0, budget: 0 }),
};
(window as unknown as { __scanpass: typeof hook }).__scanpass = hook;

/** The page's state, for the hook and for CSS (`body[data-state]`). */
export function setState(s: string) {
  hook.state = s;
  document.body.dataset.state = s;
}
