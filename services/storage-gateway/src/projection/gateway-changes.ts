import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/** What a projection batch changed, announced once its transaction committed. */
export type GatewayChange =
  | { readonly kind: 'anchored'; readonly txId: string; readonly channel: string; readonly dataset: string }
  | { readonly kind: 'use-decided'; readonly txId: string }
  | { readonly kind: 'grant-changed'; readonly grantId: string; readonly channel: string }
  | { readonly kind: 'record-committed'; readonly txId: string; readonly channel: string; readonly dataset: string }
  | { readonly kind: 'erased'; readonly target: 'object' | 'record'; readonly tx: string; readonly channel: string };

/**
 * In-process notifications of the projections (docs/storage-gateway.md
 * "Projection"): the use cases that wait for the chain (a provider waiting
 * for its access.use, the key sharer, the erasure clean-up) react at once
 * instead of polling. A notification is a hint, never the only path: each
 * of them also reads the database (after a restart, or on another replica,
 * nothing is announced), so a lost notification delays, never loses, work.
 */
@Injectable()
export class GatewayChanges implements OnModuleDestroy {
  private readonly subject = new Subject<GatewayChange>();

  get changes(): Observable<GatewayChange> {
    return this.subject.asObservable();
  }

  announce(changes: readonly GatewayChange[]): void {
    for (const change of changes) this.subject.next(change);
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
