// The scroll benchmark's page, built with the browser viewer's own Vite and node_modules
// (`cd web && npx vite build --config ../benches/scroll/web/vite.config.mjs`): it imports the
// viewer's decode.ts, dicom.ts and render.ts, so the frames go through the same cornerstone3D
// dicom-image-loader codecs in the same Web Worker pool as in the viewer.
import { fileURLToPath } from "node:url";

const web = (p) => fileURLToPath(new URL(`../../../web/${p}`, import.meta.url));

export default {
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  // outside web/, which the core's build script watches
  cacheDir: `${process.env.SCROLL_WEB_OUT}/../vite-cache`,
  resolve: {
    alias: {
      "dicom-image-loader-worker": web("node_modules/@cornerstonejs/dicom-image-loader/dist/esm/decodeImageFrameWorker.js"),
    },
  },
  worker: { format: "es" },
  optimizeDeps: { exclude: ["@cornerstonejs/dicom-image-loader"] },
  build: {
    outDir: process.env.SCROLL_WEB_OUT,
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 8192,
    assetsInlineLimit: 0,
  },
};
