// The share format (docs/share-format.md): the link, the keys, sealed objects, the manifest
// (version 3) and the one padded stream of fixed-size chunks the files lie in, read with WebCrypto.
// Held to the core by the known-answer vectors (docs/share-format-vectors/, tests/web/vectors-test.mjs). Nothing here keeps or sends the key: the token is all the relay
// sees, in the X-Scanpass-Token header.

import { argon2id } from "hash-wasm";

export interface Link {
  /** The relay's base address (`https://host[:port][/prefix]`), from the fragment. */
  relay: string;
  shareId: string;
  key: Uint8Array; // 32 bytes
  needsPasscode: boolean;
}

export interface ShareKeys {
  content: CryptoKey;
  manifest: CryptoKey;
  tokenHex: string;
}

export class LinkError extends Error {}

const enc = new TextEncoder();

export function b64urlDecode(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new LinkError("the key in the link is damaged");
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** https, or http to this device; a host of letters, digits, dots and dashes; a port; plain
 * path segments. What the core accepts (core/src/share/link.rs), and what the page's CSP lets it
 * reach (connect-src https: and loopback). */
function validRelay(url: string): boolean {
  const m = /^(?:https:\/\/([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)|http:\/\/(127\.0\.0\.1|localhost))(?::(\d{1,5}))?((?:\/[A-Za-z0-9._~-]+)*)$/.exec(url);
  if (!m) return false;
  return m[4].split("/").every((seg) => seg !== "." && seg !== "..");
}

/**
 * Reads the fragment of a link (docs/share-format.md): `#<relay>/<share-id>/[p.]<key>`, where
 * `<relay>` is the relay's address without its `https://` (or `http://127.0.0.1:PORT` in full).
 * Read from the right: neither the key nor the id holds a `/`. Throws LinkError when a part is
 * missing or damaged. Nothing of it is ever sent anywhere but the token derived from it.
 */
export function parseLink(hash: string): Link {
  const frag = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!frag) throw new LinkError("the link has no key");
  const k = frag.lastIndexOf("/");
  if (k < 0) throw new LinkError("the link does not say where the share is kept");
  const head = frag.slice(0, k);
  let keyText = frag.slice(k + 1);
  const i = head.lastIndexOf("/");
  if (i < 0) throw new LinkError("the link has no share id");
  const shareId = head.slice(i + 1);
  let relay = head.slice(0, i);
  if (!/^[A-Za-z0-9_-]{22}$/.test(shareId)) throw new LinkError("the link's share id is damaged");
  if (!/^https?:\/\//.test(relay)) relay = `https://${relay}`;
  if (!validRelay(relay)) throw new LinkError("the address of the link's relay is damaged");
  let needsPasscode = false;
  if (keyText.startsWith("p.")) {
    needsPasscode = true;
    keyText = keyText.slice(2);
  }
  if (!keyText) throw new LinkError("the link has no key");
  if (keyText.length !== 43) throw new LinkError("the key in the link is damaged");
  const key = b64urlDecode(keyText);
  if (key.length !== 32) throw new LinkError("the key in the link is damaged");
  return { relay, shareId, key, needsPasscode };
}

function concat(...parts: (Uint8Array | string | number[])[]): Uint8Array {
  const bufs = parts.map((p) =>
    typeof p === "string" ? enc.encode(p) : p instanceof Uint8Array ? p : new Uint8Array(p),
  );
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bufs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Argon2id of the trimmed passcode, salted by the share id and the link key (64 MiB, t=3, p=1). */
export async function passcodeHash(link: Link, passcode: string): Promise<Uint8Array> {
  const salt = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      concat("scanpass share passcode v1", [0], link.shareId, [0], link.key) as BufferSource,
    ),
  );
  return argon2id({
    password: enc.encode(passcode.trim()),
    salt,
    parallelism: 1,
    iterations: 3,
    memorySize: 65536,
    hashLength: 32,
    outputType: "binary",
  });
}

export async function deriveKeys(link: Link, pw: Uint8Array | null): Promise<ShareKeys> {
  const ikm = await crypto.subtle.importKey("raw", link.key as BufferSource, "HKDF", false, [
    "deriveBits",
  ]);
  const salt = pw
    ? concat("scanpass share v1", [0], link.shareId, [0], pw)
    : concat("scanpass share v1", [0], link.shareId);
  const expand = async (info: string) =>
    new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: enc.encode(info) },
        ikm,
        256,
      ),
    );
  const aes = (raw: Uint8Array) =>
    crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["decrypt"]);
  const [c, m, t] = await Promise.all([
    expand("scanpass share content v1"),
    expand("scanpass share manifest v1"),
    expand("scanpass share token v1"),
  ]);
  return { content: await aes(c), manifest: await aes(m), tokenHex: hex(t) };
}

export class IntegrityError extends Error {}

async function open(key: CryptoKey, sealed: ArrayBuffer, aad: Uint8Array): Promise<ArrayBuffer> {
  const b = new Uint8Array(sealed);
  if (b.length < 1 + 12 + 16) throw new IntegrityError("a sealed object is too short");
  if (b[0] !== 1) throw new IntegrityError(`unknown sealed format ${b[0]}`);
  try {
    return await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: b.subarray(1, 13), additionalData: aad as BufferSource, tagLength: 128 },
      key,
      b.subarray(13),
    );
  } catch {
    throw new IntegrityError("decryption failed: the data was altered or the key is wrong");
  }
}

export function chunkAad(shareId: string, n: number): Uint8Array {
  return concat("scanpass chunk v1", [0], shareId, [0], [
    (n >>> 24) & 255,
    (n >>> 16) & 255,
    (n >>> 8) & 255,
    n & 255,
  ]);
}

export const openChunk = (keys: ShareKeys, shareId: string, n: number, sealed: ArrayBuffer) =>
  open(keys.content, sealed, chunkAad(shareId, n));

export const openManifest = (keys: ShareKeys, shareId: string, sealed: ArrayBuffer) =>
  open(keys.manifest, sealed, concat("scanpass manifest v1", [0], shareId));

// ---- manifest ----

/** Bytes `offset .. offset + size` of the share's stream, and their SHA-256. */
export interface Piece {
  offset: number;
  size: number;
  sha256: string;
}

export interface ManifestFile extends Piece {
  path: string;
  kind: "image" | "readme" | "dicomdir" | string;
  /** Not on the wire: the chunks the file spans (parseManifest fills them in; 0 for an empty file). */
  first_chunk: number;
  chunks: number;
  series: number | null;
  sop_instance_uid?: string;
  transfer_syntax?: string;
  instance_number?: number | null;
  frames?: number | null;
  rows?: number | null;
  cols?: number | null;
}

export interface ManifestSeries {
  uid: string;
  /** Index into `studies` (0 for every series of a version 1 manifest). */
  study: number;
  number: number | null;
  modality: string | null;
  description: string | null;
  body_part?: string | null;
  instances: number;
  /** Its thumbnail (PNG) in the stream. */
  thumbnail: Piece | null;
  files: number[];
}

export interface Patient {
  name: string | null;
  id: string | null;
  birth_date: string | null;
  sex: string | null;
}

export interface Study {
  uid: string | null;
  date: string | null;
  time?: string | null;
  description: string | null;
  accession?: string | null;
  modalities: string[];
  /** The patient as this study's files name them (for a research share, only the pseudonym it was
   * given, `SUBJECT-` and 8 hex digits; `null` from older senders). Version 2 only on
   * the wire; parseManifest fills it from the manifest's `patient` where it is absent. */
  patient?: Patient | null;
}

export interface Manifest {
  format: string;
  version: number;
  created_at: number;
  /** Plaintext bytes of every chunk (the stream is padded to whole chunks). */
  chunk_size: number;
  chunk_count: number;
  deidentified: string | null;
  burned_in_warning: string | null;
  /** Not on the wire: the first study's patient (parseManifest fills it in). */
  patient: Patient | null;
  /** Not on the wire: the first study. */
  study: Study;
  /** Every study, in the order the patient chose. */
  studies: Study[];
  series: ManifestSeries[];
  files: ManifestFile[];
}

export class FormatError extends Error {}

/** The manifest version this viewer reads (1 and 2, before the padded stream, are no longer read). */
export const VERSION = 3;
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const MAX_CHUNKS = 1 << 20;

const isIndex = (x: unknown, len: number) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < len;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Chunks `[first, end)` that hold `size` bytes from `offset` (none for an empty range). */
export function chunksOf(offset: number, size: number, chunkSize: number): [number, number] {
  if (size === 0) return [0, 0];
  return [Math.floor(offset / chunkSize), Math.ceil((offset + size) / chunkSize)];
}

/** Parses and checks a manifest (the spaces after it are its padding), and fills in what is not on
 * the wire (`study`, `patient`, each file's `first_chunk` and `chunks`). A damaged manifest (a
 * missing list, an index or a range out of bounds) is a FormatError. */
export function parseManifest(bytes: ArrayBuffer): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new FormatError("the share's manifest is not valid JSON");
  }
  if (!isObject(m) || m.format !== "scanpass-share") throw new FormatError("this is not a Scanpass share");
  if (typeof m.version === "number" && m.version < VERSION)
    throw new FormatError(
      `this share was made by an older Scanpass (format version ${m.version}), which this viewer no longer reads: ask for a new link`,
    );
  if (m.version !== VERSION)
    throw new FormatError(
      `this share uses format version ${m.version}; this viewer reads version ${VERSION} and is too old for it`,
    );
  if (!Array.isArray(m.series) || !Array.isArray(m.files))
    throw new FormatError("the share's manifest lacks its series or files");
  const damaged = (what: string) => new FormatError(`the share's manifest is damaged: ${what}`);
  const size = m.chunk_size;
  if (!Number.isInteger(size) || size < MIN_CHUNK_SIZE || size > MAX_CHUNK_SIZE) throw damaged("its chunk size");
  if (!Number.isInteger(m.chunk_count) || m.chunk_count < 1 || m.chunk_count > MAX_CHUNKS)
    throw damaged("its chunk count");
  const end = size * m.chunk_count;
  const within = (p: unknown): p is Piece =>
    isObject(p) &&
    Number.isInteger(p.offset) &&
    Number.isInteger(p.size) &&
    (p.offset as number) >= 0 &&
    (p.size as number) >= 0 &&
    (p.offset as number) + (p.size as number) <= end &&
    typeof p.sha256 === "string" &&
    /^[0-9a-fA-F]{64}$/.test(p.sha256);
  if (!Array.isArray(m.studies) || m.studies.length === 0 || !m.studies.every(isObject))
    throw damaged("it lists no studies");
  for (const st of m.studies) {
    if (st.patient === undefined) st.patient = null;
    if (!Array.isArray(st.modalities)) st.modalities = [];
  }
  m.study = m.studies[0];
  m.patient = m.studies[0].patient ?? null;
  m.files.forEach((f, i) => {
    if (!within(f)) throw damaged(`file ${i} lies outside the share`);
    [f.first_chunk, f.chunks] = ((r) => [r[0], r[1] - r[0]])(chunksOf(f.offset, f.size, size));
  });
  m.series.forEach((s, i) => {
    if (!isObject(s) || !Array.isArray(s.files)) throw damaged(`series ${i} has no files`);
    if (!isIndex(s.study, m.studies.length)) throw damaged(`series ${i} names a study that is not in it`);
    if (!s.files.every((f) => isIndex(f, m.files.length))) throw damaged(`series ${i} names a file that is not in it`);
    if (s.thumbnail === undefined) s.thumbnail = null;
    if (s.thumbnail !== null && !within(s.thumbnail)) throw damaged(`series ${i}'s thumbnail lies outside the share`);
  });
  return m;
}

// ---- the relay ----

/** An answer of the relay that ends the session, with what the page should say. */
export class RelayError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public attemptsLeft: number | null = null,
    /** Seconds until a locked share takes passcodes again (423). */
    public retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export class Relay {
  constructor(
    private base: string,
    private shareId: string,
    private token: string,
  ) {}

  private async get(path: string): Promise<ArrayBuffer> {
    let resp: Response;
    try {
      resp = await fetch(`${this.base}/api/shares/${this.shareId}${path}`, {
        headers: { "X-Scanpass-Token": this.token },
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch {
      throw new RelayError(0, "unreachable", "the relay cannot be reached");
    }
    if (resp.ok) return resp.arrayBuffer();
    let body: { error?: string; message?: string; attempts_left?: number; retry_after?: number } = {};
    try {
      body = await resp.json();
    } catch {
      /* not JSON */
    }
    throw new RelayError(
      resp.status,
      body.error ?? `http_${resp.status}`,
      body.message ?? resp.statusText,
      typeof body.attempts_left === "number" ? body.attempts_left : null,
      typeof body.retry_after === "number" ? body.retry_after : null,
    );
  }

  manifest(): Promise<ArrayBuffer> {
    return this.get("/manifest");
  }

  chunk(n: number): Promise<ArrayBuffer> {
    return this.get(`/chunks/${n}`);
  }
}

/** Chunk requests of one file in flight at once: a long cine spans dozens of chunks, and starting
 * them all at once would hold all their bodies in memory together (and queue them at the relay). */
export const CHUNKS_IN_FLIGHT = 3;

/** Opened chunks kept per share (neighbouring slices share a chunk): about this many bytes. */
const CHUNK_CACHE_BYTES = 32 * 1024 * 1024;

/** Opened chunks of one share, by index: each fetched once while it is kept, the least recently
 * used dropped first; and the indexes ever fetched (the zip download fetches the others too). */
class ChunkCache {
  private kept = new Map<number, Promise<Uint8Array>>();
  fetched = new Set<number>();
  constructor(
    private relay: Relay,
    private keys: ShareKeys,
    private shareId: string,
    private chunkSize: number,
  ) {}

  chunk(n: number): Promise<Uint8Array> {
    let p = this.kept.get(n);
    if (p) {
      this.kept.delete(n); // to the back: most recently used
      this.kept.set(n, p);
      return p;
    }
    this.fetched.add(n);
    p = this.relay.chunk(n).then(async (sealed) => {
      const plain = new Uint8Array(await openChunk(this.keys, this.shareId, n, sealed));
      if (plain.length !== this.chunkSize) throw new IntegrityError(`chunk ${n} is not of the share's chunk size`);
      return plain;
    });
    p.catch(() => this.kept.delete(n));
    this.kept.set(n, p);
    const most = Math.max(CHUNKS_IN_FLIGHT * 2, Math.floor(CHUNK_CACHE_BYTES / this.chunkSize));
    while (this.kept.size > most) this.kept.delete(this.kept.keys().next().value as number);
    return p;
  }
}

const caches = new WeakMap<Relay, ChunkCache>();
function cacheOf(relay: Relay, keys: ShareKeys, shareId: string, chunkSize: number): ChunkCache {
  let c = caches.get(relay);
  if (!c) {
    c = new ChunkCache(relay, keys, shareId, chunkSize);
    caches.set(relay, c);
  }
  return c;
}

/** A piece of the stream (a file, a thumbnail): the chunks it spans fetched (a few at a time, each
 * once while kept), opened, cut, and its SHA-256 checked. */
export async function fetchPiece(
  relay: Relay,
  keys: ShareKeys,
  shareId: string,
  chunkSize: number,
  p: Piece,
  what = "a file",
): Promise<Uint8Array> {
  const cache = cacheOf(relay, keys, shareId, chunkSize);
  const [first, end] = chunksOf(p.offset, p.size, chunkSize);
  const out = new Uint8Array(p.size);
  let next = first;
  const worker = async () => {
    while (next < end) {
      const n = next++;
      const c = await cache.chunk(n);
      const at = n * chunkSize;
      const from = Math.max(p.offset, at);
      const to = Math.min(p.offset + p.size, at + chunkSize);
      out.set(c.subarray(from - at, to - at), from - p.offset);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, end - first) }, worker));
  const digest = hex(await crypto.subtle.digest("SHA-256", out as BufferSource));
  if (digest !== p.sha256.toLowerCase()) throw new IntegrityError(`${what}: its SHA-256 differs from the manifest`);
  return out;
}

/** A file's plaintext (see fetchPiece). */
export const fetchFile = (relay: Relay, keys: ShareKeys, shareId: string, f: ManifestFile, chunkSize: number) =>
  fetchPiece(relay, keys, shareId, chunkSize, f, f.path);

/** Fetch every chunk of the share not fetched yet (the padding too), a few at a time, discarding
 * them: after a whole download the relay has seen every chunk asked for, so the pattern of the
 * requests does not show where the files end (ADR 9). */
export async function fetchRest(relay: Relay, keys: ShareKeys, shareId: string, m: Manifest): Promise<void> {
  const cache = cacheOf(relay, keys, shareId, m.chunk_size);
  const rest: number[] = [];
  for (let n = 0; n < m.chunk_count; n++) if (!cache.fetched.has(n)) rest.push(n);
  let i = 0;
  const worker = async () => {
    while (i < rest.length) await cache.chunk(rest[i++]);
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, rest.length) }, worker));
}
