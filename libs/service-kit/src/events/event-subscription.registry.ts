import type { EventSubscription } from './event-subscription';

/**
 * The consumers a service declares (kit-provided): providers register their
 * subscription at construction; the event transport reads them when it
 * starts listening. `refresh()` asks the transport to look for new topics now
 * (e.g. right after a channel is followed) instead of at the next round.
 */
export class EventSubscriptionRegistry {
  private readonly subscriptions = new Map<string, EventSubscription>();
  private readonly refreshListeners = new Set<() => void>();

  register<E>(subscription: EventSubscription<E>): void {
    if (this.subscriptions.has(subscription.pattern))
      throw new Error(`An event subscription for "${subscription.pattern}" is already registered`);
    this.subscriptions.set(subscription.pattern, subscription as EventSubscription);
  }

  all(): readonly EventSubscription[] {
    return [...this.subscriptions.values()];
  }

  refresh(): void {
    for (const listener of this.refreshListeners) listener();
  }

  /** @internal for the transport */
  onRefresh(listener: () => void): () => void {
    this.refreshListeners.add(listener);
    return () => this.refreshListeners.delete(listener);
  }
}
