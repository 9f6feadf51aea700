// Test helpers for services: `@accord/service-kit/testing` (not part of the built package).
export * from './cluster-test.config';
export * from './keys-file';
export * from './service-boot.contract';
export { recordSpansForTest } from './span-recorder';
export * from './fake-clock';
export * from './error-codes.collector';
export * from './tcp-proxy';
