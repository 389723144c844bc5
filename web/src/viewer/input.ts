// Mouse and touch on the image, and the wheel. One finger or the left button drags with the
// active tool (scroll, window, pan, zoom, measure); the right button zooms, the middle one pans;
// two fingers pinch to zoom and move to pan (the finger left after a pinch pans). The wheel scrolls
// slices; with Ctrl or Cmd (and a trackpad's pinch) it zooms about the pointer.

import { $ } from "../dom";
import type { Controls, Tool } from "./controls";
import type { Pt } from "./viewport";
import { scroll, scrollPxPerSlice } from "./rules";

export function bindPointer(v: Controls) {
  const vp = $("viewport");
  const pointers = new Map<number, Pt>();
  let last: Pt = [0, 0];
  let acc = 0;
  let pinch: { d: number; mid: Pt } | null = null;
  let activeTool: Tool = v.tool;
  const local = (e: PointerEvent | WheelEvent): Pt => {
    const r = v.view.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  vp.addEventListener("contextmenu", (e) => e.preventDefault());
  vp.addEventListener("pointerdown", (e) => {
    vp.focus({ preventScroll: true });
    vp.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, local(e));
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
      v.measures.drawing = null;
      return;
    }
    last = local(e);
    acc = 0;
    activeTool = e.button === 2 ? "zoom" : e.button === 1 ? "pan" : v.tool;
    if (activeTool === "measure") {
      const p = v.view.toImage(...last);
      v.measures.drawing = [p, p];
    }
  });
  vp.addEventListener("pointermove", (e) => {
    if (!pointers.has(e.pointerId)) return;
    const pos = local(e);
    pointers.set(e.pointerId, pos);
    if (pointers.size >= 2 && pinch) {
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      const mid: Pt = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      v.view.panX += mid[0] - pinch.mid[0];
      v.view.panY += mid[1] - pinch.mid[1];
      v.zoomAt(d / Math.max(1, pinch.d), mid[0], mid[1]);
      pinch = { d, mid };
      return;
    }
    const dx = pos[0] - last[0];
    const dy = pos[1] - last[1];
    last = pos;
    switch (activeTool) {
      case "scroll": {
        const [n, carry] = scroll(acc, dy, scrollPxPerSlice(vp.clientHeight, v.sliceCount()));
        acc = carry;
        if (n) v.step(n);
        break;
      }
      case "window":
        v.dragWindow(dx, dy);
        break;
      case "pan":
        v.view.panX += dx;
        v.view.panY += dy;
        v.compose();
        break;
      case "zoom":
        v.zoomAt(Math.exp(-dy / 150), vp.clientWidth / 2, vp.clientHeight / 2);
        break;
      case "measure":
        if (v.measures.drawing) {
          v.measures.drawing = [v.measures.drawing[0], v.view.toImage(...pos)];
          v.compose();
        }
        break;
    }
  });
  const end = (e: PointerEvent) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (pointers.size === 1) {
      last = [...pointers.values()][0];
      activeTool = "pan"; // the finger left on the screen after a pinch pans
    }
    if (v.measures.drawing && pointers.size === 0) v.endMeasure();
  };
  vp.addEventListener("pointerup", end);
  vp.addEventListener("pointercancel", end);
  let wheelAcc = 0;
  vp.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const dy = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
      if (e.ctrlKey || e.metaKey) {
        const [x, y] = local(e);
        v.zoomAt(Math.exp(-dy / 300), x, y);
        return;
      }
      wheelAcc += dy;
      const n = Math.trunc(wheelAcc / 100) || (Math.abs(dy) >= 100 ? Math.sign(dy) : 0);
      if (n) {
        wheelAcc = 0;
        v.step(n);
      }
    },
    { passive: false },
  );
}
