import { resolve } from 'node:path';
import { z } from 'zod';
import { optionalVar } from './common.config';

/** Where a service keeps off-chain objects. */
export type ObjectStoreSpec =
  | { readonly kind: 'local'; readonly rootDir: string }
  | {
      readonly kind: 'minio';
      /** `http(s)://host:port` of the MinIO (S3) endpoint. */
      readonly endpoint: string;
      readonly accessKey: string;
      readonly secretKey: string;
      readonly bucket: string;
    };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const objectStoreVar = z
  .string()
  .refine(
    (raw) =>
      (raw.startsWith('local:') && raw.length > 'local:'.length) ||
      (/^minio:https?:\/\/[^/]+\/?$/.test(raw) && URL.canParse(raw.slice('minio:'.length))),
    'must be local:<dir> or minio:http(s)://host:port',
  );

/** Variables of services that own an object store (storage gateway). */
export function objectStoreEnvShape() {
  return {
    ACCORD_OBJECT_STORE: optionalVar(objectStoreVar),
    ACCORD_OBJECT_STORE_ACCESS_KEY: optionalVar(z.string()),
    ACCORD_OBJECT_STORE_SECRET_KEY: optionalVar(z.string().min(8, 'must be at least 8 characters')),
    ACCORD_OBJECT_STORE_BUCKET: optionalVar(
      z.string().regex(BUCKET, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)'),
    ),
  };
}

type ObjectStoreEnv = z.output<z.ZodObject<ReturnType<typeof objectStoreEnvShape>>>;

/** Cross-variable rule: MinIO needs credentials. Use in the service schema's superRefine. */
export function checkObjectStoreEnv(env: ObjectStoreEnv, ctx: z.RefinementCtx): void {
  if (!env.ACCORD_OBJECT_STORE?.startsWith('minio:')) return;
  for (const name of ['ACCORD_OBJECT_STORE_ACCESS_KEY', 'ACCORD_OBJECT_STORE_SECRET_KEY'] as const) {
    if (env[name] === undefined)
      ctx.addIssue({ code: 'custom', path: [name], message: 'is required when ACCORD_OBJECT_STORE is minio:...' });
  }
}

/** Default: a local directory `<dataDir>/<department>/<service>/objects`; MinIO bucket default `accord-<department>`. */
export function toObjectStoreSpec(
  env: ObjectStoreEnv,
  defaults: { readonly dataDir: string; readonly department: string; readonly service: string },
): ObjectStoreSpec {
  const raw = env.ACCORD_OBJECT_STORE;
  if (raw === undefined)
    return { kind: 'local', rootDir: resolve(defaults.dataDir, defaults.department, defaults.service, 'objects') };
  if (raw.startsWith('local:')) return { kind: 'local', rootDir: resolve(raw.slice('local:'.length)) };
  return {
    kind: 'minio',
    endpoint: raw.slice('minio:'.length).replace(/\/+$/, ''),
    accessKey: env.ACCORD_OBJECT_STORE_ACCESS_KEY ?? '',
    secretKey: env.ACCORD_OBJECT_STORE_SECRET_KEY ?? '',
    bucket: env.ACCORD_OBJECT_STORE_BUCKET ?? `accord-${defaults.department}`,
  };
}
