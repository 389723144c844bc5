// The keyboard (the viewport's label lists the keys): slices, zoom, pan, cine, overlay, invert,
// tools, reset. Keys typed into a field or pressed on a button are left to them.

import { $ } from "../dom";
import type { Controls } from "./controls";

export function bindKeys(v: Controls) {
  document.addEventListener("keydown", (e) => {
    const t = e.target as HTMLElement;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
    if (t && t.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const vp = $("viewport");
    const n = v.sliceCount();
    const page = Math.max(1, Math.round(n / 10));
    let handled = true;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowRight":
        if (e.shiftKey) {
          v.view.panX += e.key === "ArrowRight" ? 20 : 0;
          v.view.panY += e.key === "ArrowDown" ? 20 : 0;
          v.compose();
        } else v.step(1);
        break;
      case "ArrowUp":
      case "ArrowLeft":
        if (e.shiftKey) {
          v.view.panX -= e.key === "ArrowLeft" ? 20 : 0;
          v.view.panY -= e.key === "ArrowUp" ? 20 : 0;
          v.compose();
        } else v.step(-1);
        break;
      case "PageDown":
        v.step(page);
        break;
      case "PageUp":
        v.step(-page);
        break;
      case "Home":
        v.step(-n);
        break;
      case "End":
        v.step(n);
        break;
      case "+":
      case "=":
        v.zoomAt(1.25, vp.clientWidth / 2, vp.clientHeight / 2);
        break;
      case "-":
        v.zoomAt(0.8, vp.clientWidth / 2, vp.clientHeight / 2);
        break;
      case "1": {
        // actual pixels: one image pixel per device pixel
        const g = v.view.geometry();
        if (g.scale > 0) v.zoomAt(1 / (window.devicePixelRatio || 1) / g.scale, vp.clientWidth / 2, vp.clientHeight / 2);
        // and on whole device pixels, so each image pixel lands on exactly one screen pixel
        v.view.snapToDevicePixels();
        v.compose();
        break;
      }
      case " ":
        if (n > 1) v.toggleCine();
        break;
      case "o":
      case "O":
        v.toggleOverlay();
        break;
      case "i":
      case "I":
        v.toggleInvert();
        break;
      case "r":
      case "R":
        v.reset();
        break;
      case "s":
        v.setTool("scroll");
        break;
      case "w":
        v.setTool("window");
        break;
      case "p":
        v.setTool("pan");
        break;
      case "z":
        v.setTool("zoom");
        break;
      case "m":
        v.setTool("measure");
        break;
      case "Escape":
        v.stopCine();
        v.measures.drawing = null;
        v.compose();
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });
}
