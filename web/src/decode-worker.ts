// The decoder worker: cornerstone3D's DICOM image loader worker (it exposes `decodeTask` through
// comlink and loads its WebAssembly codecs — libjpeg-turbo, CharLS, OpenJPEG, OpenJPH — on first use).
import "dicom-image-loader-worker";
