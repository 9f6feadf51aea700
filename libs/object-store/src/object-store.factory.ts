import { LocalDirObjectStore } from './local-dir-object-store.adapter';
import { MinioObjectStore } from './minio-object-store.adapter';
import type { ObjectStoreConfig } from './object-store.config';
import { InvalidObjectStoreConfigError } from './object-store.errors';
import type { ObjectStore } from './object-store.port';

/** Builds the adapter for `config`; each adapter validates its own settings. */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config?.kind) {
    case 'minio':
      return new MinioObjectStore(config);
    case 'local-dir':
      return new LocalDirObjectStore(config);
    default: {
      const kind: unknown = (config as { kind?: unknown } | undefined)?.kind;
      throw new InvalidObjectStoreConfigError(
        `object store kind must be "minio" or "local-dir", got ${JSON.stringify(kind)}`,
      );
    }
  }
}
