// A map that forgets its least recently used entries past a byte budget (it keeps at least 8).

export class LruMap<V> {
  private map = new Map<string | number, { v: V; size: number }>();
  private total = 0;
  constructor(private budget: number) {}
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
      if (this.total <= this.budget || this.map.size <= 8) break;
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
}
