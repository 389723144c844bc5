// The viewport: the canvas the slice is drawn on, and where the slice sits in it (fitted to the
// canvas with its pixel aspect, then zoomed and panned). Drawing is `paint` (the display pipeline,
// render.ts, into an image the size of the slice) then `compose` (that image onto the canvas, with
// whatever is drawn over it). The overlay's text is HTML over the canvas (overlay.ts).

import { $ } from "../dom";
import { hook } from "../hook";
import { renderInto, type Applied, type Voi } from "../render";
import type { Ready } from "./study";
import { panAfterZoom, zoom as zoomBy, type Pt } from "./rules";

export type { Pt };

export interface Geometry {
  cw: number; // the canvas's size in CSS pixels
  ch: number;
  scale: number; // CSS pixels per image column
  aspect: number; // row spacing / column spacing
  x0: number; // where the image's top left corner is, in CSS pixels
  y0: number;
  w: number; // the image's size in pixels
  h: number;
}

export class Viewport {
  zoom = 1;
  panX = 0;
  panY = 0;
  /** The slice on screen, null when none (or when it failed). */
  current: Ready | null = null;

  readonly canvas = $<HTMLCanvasElement>("canvas");
  private ctx = this.canvas.getContext("2d")!;
  private img = document.createElement("canvas");
  private imgCtx = this.img.getContext("2d")!;
  private imageData: ImageData | null = null;

  /** Renders slice `r` at window `voi` into the image (not yet on the canvas: `compose`). */
  paint(r: Ready, voi: Voi, invert: boolean): Applied {
    this.current = r;
    const { frame, inst } = r;
    if (this.img.width !== frame.cols || this.img.height !== frame.rows || !this.imageData) {
      this.img.width = frame.cols;
      this.img.height = frame.rows;
      this.imageData = this.imgCtx.createImageData(frame.cols, frame.rows);
    }
    const applied = renderInto(inst, frame, voi, invert, this.imageData.data);
    this.imgCtx.putImageData(this.imageData, 0, 0);
    return applied;
  }

  geometry(): Geometry {
    const r = this.current;
    const rect = this.canvas.getBoundingClientRect();
    const cw = rect.width;
    const ch = rect.height;
    if (!r) return { cw, ch, scale: 1, aspect: 1, x0: 0, y0: 0, w: 0, h: 0 };
    const ps = r.inst.pixelSpacing;
    const aspect = ps && ps[0] > 0 && ps[1] > 0 ? ps[0] / ps[1] : 1;
    const w = r.frame.cols;
    const h = r.frame.rows;
    const fit = Math.min(cw / w, ch / (h * aspect));
    const scale = fit * this.zoom;
    const x0 = cw / 2 - (w * scale) / 2 + this.panX;
    const y0 = ch / 2 - (h * scale * aspect) / 2 + this.panY;
    return { cw, ch, scale, aspect, x0, y0, w, h };
  }

  /** A point of the canvas (CSS pixels) in image pixels. */
  toImage(cx: number, cy: number): Pt {
    const g = this.geometry();
    return [(cx - g.x0) / g.scale, (cy - g.y0) / (g.scale * g.aspect)];
  }

  /** Puts the image on the canvas (sized to the element at the device's pixel ratio), then calls
   * `over` to draw on top of it in CSS pixels, with the image-to-canvas mapping. */
  compose(over: (ctx: CanvasRenderingContext2D, toCanvas: (x: number, y: number) => Pt) => void) {
    const dpr = window.devicePixelRatio || 1;
    const g = this.geometry();
    const W = Math.max(1, Math.round(g.cw * dpr));
    const H = Math.max(1, Math.round(g.ch * dpr));
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, W, H);
    hook.imageToCanvas = (x, y) => [g.x0 + x * g.scale, g.y0 + y * g.scale * g.aspect];
    hook.zoom = this.zoom;
    if (!this.current) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // True pixels when magnified (no interpolation); smoothing only when the image is shrunk.
    ctx.imageSmoothingEnabled = g.scale * dpr < 1;
    ctx.drawImage(this.img, g.x0, g.y0, g.w * g.scale, g.h * g.scale * g.aspect);
    over(ctx, hook.imageToCanvas);
  }

  /** Zooms by `f` (within 0.1 to 40 times the fit) keeping canvas point (cx, cy) still. */
  zoomAt(f: number, cx: number, cy: number) {
    const g = this.geometry();
    const z = zoomBy(this.zoom, f);
    [this.panX, this.panY] = panAfterZoom([this.panX, this.panY], this.zoom, z, [cx, cy], [g.cw, g.ch]);
    this.zoom = z;
  }

  /** After zooming to one image pixel per device pixel: moves the image onto whole device pixels,
   * so each image pixel lands on exactly one screen pixel. */
  snapToDevicePixels() {
    const a = this.geometry();
    const dpr = window.devicePixelRatio || 1;
    this.panX -= (a.x0 * dpr - Math.round(a.x0 * dpr)) / dpr;
    this.panY -= (a.y0 * dpr - Math.round(a.y0 * dpr)) / dpr;
  }

  resetView() {
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
  }
}
