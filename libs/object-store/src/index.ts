export * from './object-store.port';
export * from './object-store.errors';
export type { ObjectStoreConfig } from './object-store.config';
export { createObjectStore } from './object-store.factory';
export { LocalDirObjectStore, type LocalDirObjectStoreConfig } from './local-dir-object-store.adapter';
export { MinioObjectStore, type MinioObjectStoreConfig } from './minio-object-store.adapter';
export { validateObjectKey } from './object-input.validator';
