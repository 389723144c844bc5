declare module "dicom-image-loader-worker";
