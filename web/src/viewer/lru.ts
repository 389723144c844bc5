// A map that forgets its least recently used entries past a byte budget (it keeps at least
// `keep`, 1 by default: the slice on screen), and the budget of the viewer's caches.

/** Bytes all the viewer's caches may hold together (file bytes, parsed files, decoded frames):
 * 1/16 of the device's memory as the browser reports it (`navigator.deviceMemory`, in GB,
 * rounded and capped at 8 by the spec), between 128 and 512 MiB; 256 MiB where the browser does
 * not say (Safari, Firefox), as for a 4 GB phone. A phone's browser tab is killed well below the
 * phone's memory (docs/memory.md); before this budget the caches reached about 1.8 GB on large
 * studies. */
export function cacheBudget(deviceMemoryGb?: number): number {
  const MiB = 1 << 20;
  if (!deviceMemoryGb || !Number.isFinite(deviceMemoryGb) || deviceMemoryGb <= 0) return 256 * MiB;
  const bytes = (deviceMemoryGb * 1024 * MiB) / 16;
  return Math.round(Math.min(512 * MiB, Math.max(128 * MiB, bytes)));
}

export class LruMap<V> {
  private map = new Map<string | number, { v: V; size: number }>();
  private total = 0;
  constructor(
    private budget: number,
    private keep = 1,
  ) {}
  get(k: string | number): V | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.v;
  }
  set(k: string | number, v: V, size: number) {
    const old = this.map.get(k);
    if (old) this.total -= old.size;
    this.map.delete(k);
    this.map.set(k, { v, size });
    this.total += size;
    for (const [key, e] of this.map) {
      if (this.total <= this.budget || this.map.size <= this.keep) break;
      this.map.delete(key);
      this.total -= e.size;
    }
  }
  has(k: string | number) {
    return this.map.has(k);
  }
  delete(k: string | number) {
    const e = this.map.get(k);
    if (e) this.total -= e.size;
    this.map.delete(k);
  }
  /** Bytes the entries held now are counted for. */
  get bytes() {
    return this.total;
  }
  get size() {
    return this.map.size;
  }
}
