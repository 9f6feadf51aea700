import type { LocalDirObjectStoreConfig } from './local-dir-object-store.adapter';
import type { MinioObjectStoreConfig } from './minio-object-store.adapter';

/** Which object store a department uses: MinIO in cluster mode, a local directory in embedded mode. */
export type ObjectStoreConfig =
  ({ readonly kind: 'minio' } & MinioObjectStoreConfig) | ({ readonly kind: 'local-dir' } & LocalDirObjectStoreConfig);
