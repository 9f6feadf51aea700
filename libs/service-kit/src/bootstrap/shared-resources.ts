import type { EventBus } from '@accord/event-bus';

/**
 * Resources owned by the caller of bootstrapService and shared by several
 * services of one process: the embedded log allows one writer process per
 * directory, so `accord up` opens it once and hands it to every service.
 * Services never close shared resources; their owner does, after the
 * services have stopped.
 */
export interface SharedResources {
  readonly bus?: EventBus;
}

export const SHARED_RESOURCES = 'accord:shared-resources';
