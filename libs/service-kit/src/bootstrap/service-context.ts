import { Inject } from '@nestjs/common';
import type { CommonConfig } from '../config/common.config';
import type { ObjectStoreSpec } from '../config/object-store.config';

export type DeploymentMode = 'embedded' | 'cluster' | 'mixed';

/** What a running service knows about itself; injectable with @InjectServiceContext(). */
export interface ServiceContext<C extends CommonConfig = CommonConfig> {
  readonly service: string;
  readonly title: string;
  readonly version: string;
  readonly department: string;
  readonly mode: DeploymentMode;
  readonly config: C;
}

export const SERVICE_CONTEXT = 'accord:service-context';
export const SERVICE_CONFIG = 'accord:service-config';

export const InjectServiceContext = (): ParameterDecorator => Inject(SERVICE_CONTEXT);
/** The service's validated config (the output of its schema). */
export const InjectConfig = (): ParameterDecorator => Inject(SERVICE_CONFIG);

/**
 * Embedded when every adapter is the in-process kind (PGlite, embedded log,
 * local directory), cluster when every one is a server (PostgreSQL, Kafka,
 * MinIO), mixed otherwise (e.g. tests against one real server).
 */
export function deploymentMode(config: CommonConfig & { readonly objectStore?: ObjectStoreSpec }): DeploymentMode {
  const embedded = [
    config.database.kind === 'pglite',
    config.bus.kind === 'embedded',
    ...(config.objectStore ? [config.objectStore.kind === 'local'] : []),
  ];
  if (embedded.every(Boolean)) return 'embedded';
  if (embedded.every((e) => !e)) return 'cluster';
  return 'mixed';
}
