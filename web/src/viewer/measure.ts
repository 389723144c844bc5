// Length measurements: kept per slice (until the series changes or Reset), drawn over the image,
// in millimetres from Pixel Spacing (in image pixels when the file has none), by the core's rule
// (rules.ts).

import { lengthText } from "./rules";
import type { Pt } from "./viewport";

type Spacing = [number, number] | null | undefined;

export { lengthText };

export class Measurements {
  private bySlice = new Map<string, [Pt, Pt][]>();
  /** The line being drawn (image pixels), from where the drag began to where it is. */
  drawing: [Pt, Pt] | null = null;

  clear() {
    this.bySlice.clear();
  }

  /** Keeps the line of the drag that ended on slice `key`; returns it, or null when the drag was
   * shorter than an image pixel. */
  finish(key: string): [Pt, Pt] | null {
    if (!this.drawing) return null;
    const [a, b] = this.drawing;
    this.drawing = null;
    if (Math.hypot(b[0] - a[0], b[1] - a[1]) < 1) return null;
    this.bySlice.set(key, [...(this.bySlice.get(key) ?? []), [a, b]]);
    return [a, b];
  }

  /** Draws slice `key`'s lines (and the one being drawn) with their lengths. */
  draw(ctx: CanvasRenderingContext2D, toCanvas: (x: number, y: number) => Pt, key: string | null, ps: Spacing) {
    const lines = [...((key !== null && this.bySlice.get(key)) || [])];
    if (this.drawing) lines.push(this.drawing);
    ctx.lineWidth = 2;
    ctx.font = "13px system-ui, sans-serif";
    for (const [a, b] of lines) {
      const [ax, ay] = toCanvas(a[0], a[1]);
      const [bx, by] = toCanvas(b[0], b[1]);
      ctx.strokeStyle = "#ffeb3b";
      ctx.beginPath();
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.stroke();
      for (const [x, y] of [
        [ax, ay],
        [bx, by],
      ]) {
        ctx.beginPath();
        ctx.arc(x, y, 3, 0, Math.PI * 2);
        ctx.stroke();
      }
      ctx.fillStyle = "#ffeb3b";
      ctx.fillText(lengthText(a, b, ps), bx + 6, by - 6);
    }
  }
}
