import { defineConfig, type Plugin } from "vite";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const HASHES = "viewer-hashes.json";
const version = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version as string;

function walk(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = dir ? `${dir}/${name}` : name;
    return statSync(join(root, rel)).isDirectory() ? walk(root, rel) : [rel];
  });
}

/** Writes dist/viewer-hashes.json: the SHA-256 of every file of the build, which the core pins
 * (core/build.rs, `scanpass viewer-check`; ADR 8). When the hashes did not change, the file keeps
 * its time, so an unchanged viewer does not rebuild the core. */
function viewerHashes(): Plugin {
  let outDir = "";
  let before: { text: string; atime: Date; mtime: Date } | null = null;
  return {
    name: "scanpass-viewer-hashes",
    apply: "build",
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
      const f = join(outDir, HASHES);
      if (existsSync(f)) {
        const st = statSync(f);
        before = { text: readFileSync(f, "utf8"), atime: st.atime, mtime: st.mtime };
      }
    },
    closeBundle() {
      const files: Record<string, string> = {};
      for (const rel of walk(outDir).filter((p) => p !== HASHES).sort())
        files[rel] = createHash("sha256").update(readFileSync(join(outDir, rel))).digest("hex");
      const text = JSON.stringify({ format: "scanpass-viewer-hashes", version, algorithm: "sha256", files }, null, 1) + "\n";
      const f = join(outDir, HASHES);
      writeFileSync(f, text);
      if (before && before.text === text) utimesSync(f, before.atime, before.mtime);
    },
  };
}

// A static build served from an origin of its own (ADR 8), under any path (a versioned,
// immutable one such as https://view.example/1.4.0/): every URL in it is relative.
export default defineConfig({
  base: "./",
  plugins: [viewerHashes()],
  resolve: {
    alias: {
      // The loader's decoder worker (not in its package exports map).
      "dicom-image-loader-worker": fileURLToPath(
        new URL("./node_modules/@cornerstonejs/dicom-image-loader/dist/esm/decodeImageFrameWorker.js", import.meta.url),
      ),
    },
  },
  worker: { format: "es" },
  optimizeDeps: { exclude: ["@cornerstonejs/dicom-image-loader"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
  },
});
