// The share format's known-answer vectors (docs/share-format-vectors/share-v3.json, made by the
// core: core/src/share/vectors.rs) read by the browser viewer's own code, web/src/share.ts
// (bundled for Node with the viewer's esbuild), and matched by the Node writer share-writer.mjs:
//   - the viewer: the link parses, the token (and with a passcode, Argon2id then HKDF) is the
//     vectors', the manifest opens and parses, every file and thumbnail is cut out of the chunks
//     and checks, a flipped byte or a chunk in another place is refused;
//   - the writer: its keys, chunking, padding (Padmé, manifest sizes) and sealing under the
//     vectors' nonces give the vectors' bytes.
// A change to either side that breaks the format fails here. Runs in a second; `node
// tests/web/vectors-test.mjs` after `npm ci` in web/ and tests/web/.

import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import * as writer from "./share-writer.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const v = JSON.parse(readFileSync(join(root, "docs/share-format-vectors/share-v3.json"), "utf8"));
const esbuild = createRequire(join(root, "web/package.json"))("esbuild");
const tmp = mkdtempSync(join(tmpdir(), "scanpass-vectors-"));
const bundle = join(tmp, "share.mjs");
await esbuild.build({
  entryPoints: [join(root, "web/src/share.ts")],
  bundle: true,
  format: "esm",
  platform: "node",
  outfile: bundle,
  logLevel: "error",
});
const share = await import(pathToFileURL(bundle).href);
rmSync(tmp, { recursive: true, force: true });

let passed = 0;
let failed = 0;
const check = (what, ok, detail = "") => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "FAILED"}: vectors: ${what}${ok || !detail ? "" : ` (${detail})`}`);
};
const unhex = (h) => Buffer.from(h, "hex");
const ab = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
const same = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
async function rejects(p, type) {
  try {
    await p;
    return false;
  } catch (e) {
    return e instanceof type;
  }
}

// ---- the viewer (web/src/share.ts) reads the vectors ----
const link = share.parseLink(new URL(v.link).hash);
check("the link parses to the vectors' share id", link.shareId === v.share_id && same(link.key, unhex(v.link_key)));
const keys = await share.deriveKeys(link, null);
check("the access token is the vectors'", keys.tokenHex === v.keys.token, keys.tokenHex);
const pc = v.passcode_case;
const plink = share.parseLink(new URL(pc.link).hash);
const pkeys = await share.deriveKeys(plink, await share.passcodeHash(plink, pc.passcode));
check("with the passcode (Argon2id, then HKDF): the token is the vectors'", plink.needsPasscode && pkeys.tokenHex === pc.keys.token);

const manifestPlain = await share.openManifest(keys, link.shareId, ab(unhex(v.manifest.sealed)));
check("the sealed manifest opens to the vectors' padded JSON", same(manifestPlain, Buffer.from(v.manifest.plaintext)));
const m = share.parseManifest(manifestPlain);
check(
  "the manifest parses: version, chunk size and count, studies, series",
  m.version === v.format_version && m.chunk_size === v.chunk_size && m.chunk_count === v.chunk_count &&
    m.studies.length === 2 && m.series.length === 2 && m.study === m.studies[0],
);
const relay = {
  chunks: v.chunks.map((c) => unhex(c.sealed)),
  asked: [],
  async chunk(n) {
    this.asked.push(n);
    return ab(Buffer.from(this.chunks[n]));
  },
};
const pieces = [...m.series.filter((s) => s.thumbnail).map((s) => s.thumbnail), ...m.files];
let all = pieces.length === v.pieces.length;
for (const [i, p] of pieces.entries()) {
  const got = await share.fetchPiece(relay, keys, link.shareId, m.chunk_size, p);
  all &&= p.offset === v.pieces[i].offset && same(got, unhex(v.pieces[i].plaintext));
}
check(`every file and thumbnail (${pieces.length}) is cut out of the chunks and matches`, all);
check("each chunk was fetched once (neighbouring files share it)", relay.asked.length === new Set(relay.asked).size, relay.asked.join(","));
await share.fetchRest(relay, keys, link.shareId, m);
check("fetchRest asks for every other chunk: a whole download", [...relay.asked].sort().join() === v.chunks.map((c) => c.index).join());

const tampered = { chunks: relay.chunks.map((c) => Buffer.from(c)), async chunk(n) { return ab(this.chunks[n]); } };
tampered.chunks[1][40] ^= 1;
check("a flipped byte in a chunk: an integrity error", await rejects(share.fetchPiece(tampered, keys, link.shareId, m.chunk_size, m.files[0]), share.IntegrityError));
const swapped = { chunks: [relay.chunks[1], relay.chunks[0], ...relay.chunks.slice(2)], async chunk(n) { return ab(Buffer.from(this.chunks[n])); } };
check("chunks in each other's place: an integrity error", await rejects(share.fetchPiece(swapped, keys, link.shareId, m.chunk_size, m.files[0]), share.IntegrityError));
const older = JSON.parse(v.manifest.plaintext);
older.version = 2;
let said = "";
try {
  share.parseManifest(ab(Buffer.from(JSON.stringify(older))));
} catch (e) {
  said = e.message;
}
check("a version 2 manifest: refused, saying to ask for a new link", /older Scanpass.*new link/.test(said), said);
const outside = JSON.parse(v.manifest.plaintext);
outside.files[0].offset = v.chunk_size * v.chunk_count - 10;
check("a file past the stream's end: damaged", (() => {
  try {
    share.parseManifest(ab(Buffer.from(JSON.stringify(outside))));
    return false;
  } catch (e) {
    return e instanceof share.FormatError && /outside/.test(e.message);
  }
})());

// ---- the Node writer (share-writer.mjs) makes the vectors' bytes ----
const wkeys = await writer.shareKeys(v.share_id, unhex(v.link_key), null);
const wpkeys = await writer.shareKeys(v.share_id, unhex(v.link_key), pc.passcode);
check(
  "writer: keys (with and without the passcode) are the vectors'",
  wkeys.content.toString("hex") === v.keys.content && wkeys.manifest.toString("hex") === v.keys.manifest &&
    wkeys.token.toString("hex") === v.keys.token && wpkeys.token.toString("hex") === pc.keys.token,
);
const chunks = writer.streamChunks(v.pieces.map((p) => unhex(p.plaintext)), v.chunk_size);
check(
  "writer: the stream's chunks (padding included) are the vectors' plaintexts",
  chunks.length === v.chunk_count && chunks.every((c, i) => c.toString("hex") === v.chunks[i].plaintext),
);
check(
  "writer: each chunk sealed under the vectors' nonce is the vectors' ciphertext",
  chunks.every((c, i) => writer.seal(wkeys.content, c, writer.chunkAad(v.share_id, i), unhex(v.chunks[i].nonce)).toString("hex") === v.chunks[i].sealed),
);
const mp = Buffer.from(v.manifest.plaintext);
check(
  "writer: the padded manifest sealed under the vectors' nonce is the vectors' ciphertext",
  writer.seal(wkeys.manifest, mp, writer.manifestAad(v.share_id), unhex(v.manifest.nonce)).toString("hex") === v.manifest.sealed,
);
check("writer: Padmé gives the vectors' table", v.padme.every(([l, p]) => writer.padme(l) === p), JSON.stringify(v.padme.map(([l]) => writer.padme(l))));
check(
  "writer: sealed manifest sizes are the vectors' table",
  v.sealed_manifest_size.every(([l, p]) => writer.paddedManifestLen(l) + 29 === p),
);
check("the vectors' manifest is padded as the writer pads it", mp.length === writer.paddedManifestLen(mp.toString().trimEnd().length));

console.log(`vectors: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
