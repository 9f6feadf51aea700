import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { createObjectStore, type ObjectStore, type ObjectStoreConfig } from '@accord/object-store';
import { SERVICE_CONTEXT, type ServiceContext } from '../bootstrap/service-context';
import { ReadinessRegistry } from '../health/readiness.registry';
import type { ObjectStoreSpec } from '../config/object-store.config';

export const OBJECT_STORE = 'accord:object-store';
/** `constructor(@InjectObjectStore() private readonly objects: ObjectStore)` */
export const InjectObjectStore = (): ParameterDecorator => Inject(OBJECT_STORE);

/**
 * The service's object store (port from @accord/object-store), opened from
 * ACCORD_OBJECT_STORE; the bucket is created at start. Registers the
 * `objectStore` readiness check. Only for services whose config has
 * `objectStore` (objectStoreEnvShape + toObjectStoreSpec).
 */
@Module({})
export class ObjectStoreModule {
  static forRoot(): DynamicModule {
    return {
      module: ObjectStoreModule,
      global: true,
      providers: [
        {
          provide: OBJECT_STORE,
          inject: [SERVICE_CONTEXT, ReadinessRegistry],
          useFactory: async (ctx: ServiceContext, readiness: ReadinessRegistry): Promise<ObjectStore> => {
            const spec = (ctx.config as { objectStore?: ObjectStoreSpec }).objectStore;
            if (!spec)
              throw new Error(`${ctx.service}: ObjectStoreModule needs an objectStore entry in the service config`);
            const store = createObjectStore(toObjectStoreConfig(spec));
            await store.ensureBucket();
            readiness.register('objectStore', async () => store.isHealthy());
            return store;
          },
        },
      ],
      exports: [OBJECT_STORE],
    };
  }
}

/** Config spec -> adapter config (the MinIO client takes host, port and TLS separately). */
export function toObjectStoreConfig(spec: ObjectStoreSpec): ObjectStoreConfig {
  if (spec.kind === 'local') return { kind: 'local-dir', rootDir: spec.rootDir };
  const url = new URL(spec.endpoint);
  const useSSL = url.protocol === 'https:';
  return {
    kind: 'minio',
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: spec.accessKey,
    secretKey: spec.secretKey,
    bucket: spec.bucket,
  };
}
