// A share writer in Node that follows docs/share-format.md to the letter, independently of the
// core: it reads a DICOM File-set (as `scanpass export` writes it), builds the manifest, seals
// the thumbnails and every file end to end into one stream, cuts it into fixed-size chunks padded
// to a Padmé size class, seals every chunk and the (space-padded) manifest with AES-256-GCM under
// HKDF (and Argon2id) keys, and uploads them through the relay API (relay/API.md). The viewer
// reading what this writes, and what the core writes, holds the two implementations of the format
// together; tests/web/vectors-test.mjs holds this writer's pieces to the committed known-answer
// vectors (docs/share-format-vectors/). The studies are in the File-set's folder order.
//
//   node share-writer.mjs --relay URL --viewer URL --fileset DIR [--passcode P] [--expires-secs N]
//        [--thumbnails-with SCANPASS_BIN]
// prints {"id","link","expires_on","owner_secret"}.

import { createHash, createCipheriv, randomBytes, hkdfSync } from "node:crypto";
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { argon2id } from "hash-wasm";
import dicomParser from "dicom-parser";

export const CHUNK_SIZE = 1024 * 1024;
const OVERHEAD = 1 + 12 + 16;
const enc = new TextEncoder();
const b64url = (b) => Buffer.from(b).toString("base64url");
const sha256 = (b) => createHash("sha256").update(b).digest();
const cat = (...parts) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(enc.encode(p)) : Buffer.from(p))));
const Z = Buffer.from([0]);

export async function shareKeys(shareId, key, passcode) {
  let salt = cat("scanpass share v1", Z, shareId);
  if (passcode !== undefined && passcode !== null) {
    const saltP = sha256(cat("scanpass share passcode v1", Z, shareId, Z, key));
    const pw = await argon2id({
      password: enc.encode(passcode.trim()),
      salt: saltP,
      parallelism: 1,
      iterations: 3,
      memorySize: 65536,
      hashLength: 32,
      outputType: "binary",
    });
    salt = cat(salt, Z, pw);
  }
  const expand = (info) => Buffer.from(hkdfSync("sha256", key, salt, info, 32));
  return {
    content: expand("scanpass share content v1"),
    manifest: expand("scanpass share manifest v1"),
    token: expand("scanpass share token v1"),
  };
}

/** Padmé (docs/share-format.md): `len` rounded up so that only its top floor(log2(floor(log2 len)))+1 bits may be set. */
export function padme(len) {
  const L = BigInt(len);
  if (L < 2n) return len;
  const e = BigInt(L.toString(2).length - 1);
  const s = BigInt(e.toString(2).length);
  const mask = (1n << (e - s)) - 1n;
  return Number((L + mask) & ~mask);
}

/** The manifest's plaintext length once padded with spaces: sealed, a power of two of at least 16 KiB. */
export function paddedManifestLen(jsonLen) {
  let n = 16 * 1024;
  while (n < jsonLen + OVERHEAD) n *= 2;
  return n - OVERHEAD;
}

/** Cuts `pieces` (Buffers, end to end) into chunks of `chunkSize`, the last padded with zeros and
 * whole zero chunks added up to padme(total) / chunkSize. */
export function streamChunks(pieces, chunkSize = CHUNK_SIZE) {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const count = Math.max(1, Math.ceil(padme(total) / chunkSize));
  const stream = Buffer.alloc(count * chunkSize);
  let o = 0;
  for (const p of pieces) {
    stream.set(p, o);
    o += p.length;
  }
  return Array.from({ length: count }, (_, i) => stream.subarray(i * chunkSize, (i + 1) * chunkSize));
}

export function seal(key, plaintext, aad, nonce = randomBytes(12)) {
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([Buffer.from([1]), nonce, body, c.getAuthTag()]);
}

export const chunkAad = (id, n) => {
  const be = Buffer.alloc(4);
  be.writeUInt32BE(n);
  return cat("scanpass chunk v1", Z, id, Z, be);
};
export const manifestAad = (id) => cat("scanpass manifest v1", Z, id);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

const str = (ds, tag) => {
  const s = ds.string(tag);
  return s === undefined || s === "" ? null : s.trim();
};
const nums = (ds, tag) => (ds.string(tag) ?? "").split("\\").filter((x) => x !== "").map(Number);

/** The manifest (without chunk numbers) of a File-set folder: a study per DICOM/PTnnnnnn/STnnnnnn folder. */
export function describeFileSet(root, { seriesByFolder = false } = {}) {
  const paths = walk(root).map((p) => relative(root, p).split(sep).join("/"));
  const images = paths.filter((p) => p.startsWith("DICOM/")).sort();
  const rest = ["README.TXT", "DICOMDIR"].filter((p) => paths.includes(p));
  const files = [];
  const seriesByUid = new Map();
  const studyByFolder = new Map();
  for (const path of images) {
    const bytes = readFileSync(join(root, path));
    const ds = dicomParser.parseDicom(bytes, { untilTag: "x7fe00010" });
    const folder = path.split("/").slice(0, 3).join("/");
    if (!studyByFolder.has(folder))
      studyByFolder.set(folder, {
        study: {
          uid: str(ds, "x0020000d"),
          date: str(ds, "x00080020"),
          time: str(ds, "x00080030"),
          description: str(ds, "x00081030"),
          accession: str(ds, "x00080050"),
          modalities: [],
        },
        patient: {
          name: str(ds, "x00100010"),
          id: str(ds, "x00100020"),
          birth_date: str(ds, "x00100030"),
          sex: str(ds, "x00100040"),
        },
        index: studyByFolder.size,
      });
    const st = studyByFolder.get(folder);
    // seriesByFolder: one series per SE folder (a fixture of unrelated files that share UIDs)
    const uid = `${folder}/${seriesByFolder ? path.split("/").slice(0, -1).join("/") : str(ds, "x0020000e") ?? ""}`;
    if (!seriesByUid.has(uid))
      seriesByUid.set(uid, {
        uid: str(ds, "x0020000e"),
        study: st.index,
        number: nums(ds, "x00200011")[0] ?? null,
        modality: str(ds, "x00080060"),
        description: str(ds, "x0008103e"),
        body_part: str(ds, "x00180015"),
        members: [],
      });
    const iop = nums(ds, "x00200037");
    const ipp = nums(ds, "x00200032");
    let along = null;
    if (iop.length === 6 && ipp.length === 3) {
      const n = [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]];
      along = n[0] * ipp[0] + n[1] * ipp[1] + n[2] * ipp[2];
    }
    const f = {
      path,
      kind: "image",
      size: bytes.length,
      sha256: sha256(bytes).toString("hex"),
      series: null,
      sop_instance_uid: str(ds, "x00080018"),
      sop_class_uid: str(ds, "x00080016"),
      transfer_syntax: str(ds, "x00020010"),
      instance_number: nums(ds, "x00200013")[0] ?? null,
      frames: nums(ds, "x00280008")[0] ?? 1,
      rows: ds.uint16("x00280010") ?? null,
      cols: ds.uint16("x00280011") ?? null,
    };
    seriesByUid.get(uid).members.push({ index: files.length, along, f });
    files.push(f);
  }
  for (const path of rest) {
    const bytes = readFileSync(join(root, path));
    files.push({
      path,
      kind: path === "DICOMDIR" ? "dicomdir" : "readme",
      size: bytes.length,
      sha256: sha256(bytes).toString("hex"),
      series: null,
    });
  }
  const studies = [...studyByFolder.values()];
  // the series of one study together, in study order (paths sort so already; said here)
  const series = [...seriesByUid.values()].sort((a, b) => a.study - b.study).map((s, i) => {
    const byPos = s.members.every((m) => m.along !== null);
    s.members.sort((a, b) =>
      byPos ? a.along - b.along : (a.f.instance_number ?? 0) - (b.f.instance_number ?? 0),
    );
    for (const m of s.members) m.f.series = i;
    const { modalities } = studies[s.study].study;
    if (s.modality && !modalities.includes(s.modality)) modalities.push(s.modality);
    return {
      uid: s.uid,
      study: s.study,
      number: s.number,
      modality: s.modality,
      description: s.description,
      body_part: s.body_part,
      instances: s.members.length,
      thumbnail: null,
      files: s.members.map((m) => m.index),
    };
  });
  return {
    files,
    series,
    study: studies[0]?.study ?? null,
    patient: studies[0]?.patient ?? null,
    studies: studies.map((s) => ({ ...s.study, patient: s.patient })),
  };
}

async function api(relay, method, path, { body, secret, json } = {}) {
  const headers = {};
  if (secret) headers.authorization = `Bearer ${secret}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(`${relay}${path}`, {
    method,
    headers,
    body: json !== undefined ? JSON.stringify(json) : body,
  });
  if (!r.ok) throw new Error(`${method} ${path.replace(/shares\/[^/]+/, "shares/<id>")}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

/** Writes and uploads a share of the File-set `fileset`. `alter(manifest)`, when given, changes the
 * manifest before it is sealed (tests of damaged or unknown manifests). */
export async function writeShare({
  relay,
  viewer = null,
  fileset,
  passcode = null,
  expiresSecs = 7 * 86400,
  scanpassBin = null,
  seriesByFolder = false,
  alter = null,
}) {
  const { files, series, studies } = describeFileSet(fileset, { seriesByFolder });
  const created = await api(relay, "POST", "/api/shares", { json: { expires_in_secs: expiresSecs } });
  const id = created.id;
  const key = randomBytes(32);
  const keys = await shareKeys(id, key, passcode);
  await api(relay, "PUT", `/api/shares/${id}/auth-verifier`, {
    secret: created.owner_secret,
    json: { auth_verifier: sha256(keys.token).toString("hex") },
  });
  // the stream: thumbnails first (in series order), then every file, in the manifest's order
  const pieces = [];
  let offset = 0;
  const append = (bytes) => {
    pieces.push(bytes);
    const p = { offset, size: bytes.length, sha256: sha256(bytes).toString("hex") };
    offset += bytes.length;
    return p;
  };
  if (scanpassBin) {
    const tmp = mkdtempSync(join(tmpdir(), "scanpass-thumb-"));
    for (const s of series) {
      const mid = files[s.files[Math.floor((s.files.length - 1) / 2)]];
      try {
        const out = join(tmp, "t.png");
        execFileSync(scanpassBin, ["render", join(fileset, mid.path), "--thumbnail", "128", "--out", out], { stdio: "ignore" });
        s.thumbnail = append(readFileSync(out));
      } catch {
        /* no thumbnail for a series the core cannot render */
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const f of files) f.offset = append(readFileSync(join(fileset, f.path))).offset;
  const chunks = streamChunks(pieces);
  const manifest = {
    format: "scanpass-share",
    version: 3,
    created_at: Math.floor(Date.now() / 1000),
    chunk_size: CHUNK_SIZE,
    chunk_count: chunks.length,
    deidentified: null,
    burned_in_warning: null,
    studies,
    series,
    files,
  };
  if (alter) alter(manifest);
  // a few uploads at a time
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < chunks.length) {
        const i = next++;
        await api(relay, "PUT", `/api/shares/${id}/chunks/${i}`, {
          secret: created.owner_secret,
          body: seal(keys.content, chunks[i], chunkAad(id, i)),
        });
      }
    }),
  );
  const json = Buffer.from(JSON.stringify(manifest));
  const padded = Buffer.alloc(paddedManifestLen(json.length), 0x20);
  json.copy(padded);
  await api(relay, "PUT", `/api/shares/${id}/manifest`, {
    secret: created.owner_secret,
    body: seal(keys.manifest, padded, manifestAad(id)),
  });
  await api(relay, "POST", `/api/shares/${id}/finalize`, { secret: created.owner_secret, json: { chunks: chunks.length } });
  // the link (docs/share-format.md): the viewer's base, then everything in the fragment; the
  // relay without its https:// (a loopback relay keeps its http://)
  const frag = `${relay.replace(/^https:\/\//, "")}/${id}/${passcode !== null ? "p." : ""}${b64url(key)}`;
  return {
    id,
    link: `${viewer ?? process.env.SCANPASS_VIEWER}#${frag}`,
    expires_on: new Date(created.expires_at * 1000).toISOString().slice(0, 10),
    owner_secret: created.owner_secret,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = await writeShare({
    relay: opt("--relay"),
    viewer: opt("--viewer"),
    fileset: opt("--fileset"),
    passcode: opt("--passcode") ?? null,
    expiresSecs: Number(opt("--expires-secs") ?? 7 * 86400),
    scanpassBin: opt("--thumbnails-with") ?? null,
  });
  console.log(JSON.stringify(out));
}
