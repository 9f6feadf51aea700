import type { EventSubscription } from './event-subscription';

/**
 * The consumers a service declares (kit-provided): providers register their
 * subscription at construction; the event transport reads them when it
 * starts listening. `refresh()` asks the transport to look for new topics now
 * (e.g. right after a channel is followed) instead of at the next round;
 * `pause(consumer)`/`resume(consumer)` stop and restart a consumer.
 */
export class EventSubscriptionRegistry {
  private readonly subscriptions = new Map<string, EventSubscription>();
  private readonly refreshListeners = new Set<() => void>();
  private readonly paused = new Set<string>();
  private stopConsumer: ((consumer: string) => Promise<void>) | undefined;

  register<E>(subscription: EventSubscription<E>): void {
    if (this.subscriptions.has(subscription.pattern))
      throw new Error(`An event subscription for "${subscription.pattern}" is already registered`);
    this.subscriptions.set(subscription.pattern, subscription as EventSubscription);
  }

  all(): readonly EventSubscription[] {
    return [...this.subscriptions.values()];
  }

  /** Stops delivering to a consumer (maintenance, tests); resolves once its batches in flight finished. */
  async pause(consumer: string): Promise<void> {
    this.paused.add(consumer);
    await this.stopConsumer?.(consumer);
  }

  /** Delivers to a paused consumer again, from its checkpoint. */
  resume(consumer: string): void {
    this.paused.delete(consumer);
    this.refresh();
  }

  isPaused(consumer: string): boolean {
    return this.paused.has(consumer);
  }

  refresh(): void {
    for (const listener of this.refreshListeners) listener();
  }

  /** @internal for the transport: how to stop a consumer's readers. */
  onPause(stop: (consumer: string) => Promise<void>): void {
    this.stopConsumer = stop;
  }

  /** @internal for the transport */
  onRefresh(listener: () => void): () => void {
    this.refreshListeners.add(listener);
    return () => this.refreshListeners.delete(listener);
  }
}
