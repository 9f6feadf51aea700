import { z } from 'zod';
import {
  checkObjectStoreEnv,
  commonEnvShape,
  objectStoreEnvShape,
  toCommonConfig,
  toObjectStoreSpec,
} from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port + 3). */
export const STORAGE_GATEWAY_DEFAULT_PORT = 7103;

/**
 * The storage-gateway service's environment (docs/services.md): the common variables
 * plus the object store (ACCORD_OBJECT_STORE `local:<dir>` | `minio:http(s)://host:port`,
 * with ACCORD_OBJECT_STORE_ACCESS_KEY / _SECRET_KEY / _BUCKET for MinIO).
 */
export const storageGatewayConfigSchema = z
  .object({ ...commonEnvShape({ defaultPort: STORAGE_GATEWAY_DEFAULT_PORT }), ...objectStoreEnvShape() })
  .superRefine(checkObjectStoreEnv)
  .transform((env) => {
    const common = toCommonConfig('storage-gateway', env);
    return { ...common, objectStore: toObjectStoreSpec(env, common) };
  });

export type StorageGatewayConfig = z.output<typeof storageGatewayConfigSchema>;
