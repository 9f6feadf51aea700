// Test helpers for @accord/object-store users: `@accord/object-store/testing` (not part of the built package).
export * from './generated-content';
export * from './large-object.contract';
export * from './minio-test.config';
export * from './object-store.contract';
