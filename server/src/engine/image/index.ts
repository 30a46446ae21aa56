// Container image references and the `images` context variable, with Kyverno's semantics.
export { parseImageReference, referenceErrors, type ImageReference } from './reference';
export { addDefaultRegistry, getImageInfo, DEFAULT_IMAGE_CONFIG, type ImageConfig, type ImageInfo } from './imageInfo';
export { buildImagesVariable, extractImages, hasImageExtractor, type ImagesVariable } from './extract';
