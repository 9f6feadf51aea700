import { Inject, Module, type DynamicModule } from '@nestjs/common';
import type { ObjectStore, ObjectStoreConfig } from '@accord/object-store';
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
            // Loaded here: the MinIO client and its dependencies (about 2 MB of
            // code) are needed only by a service that has an object store, and
            // every service imports this module.
            const { createObjectStore } = await import('@accord/object-store');
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
