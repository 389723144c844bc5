import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

// Served by scanpass-relay: the page at /s/<id>, its files under /v/ (relay/src/web.rs).
export default defineConfig({
  base: "/v/",
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
