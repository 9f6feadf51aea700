import { Injectable } from '@nestjs/common';
import { ProjectedChannelRows, type ProjectedChannel } from '@accord/service-kit';
import type { ProjectionTx } from './projection.tx';

export type { ProjectedChannel };

/** catalog_channel and catalog_authority: the projection's positions and the parameters it reads. */
@Injectable()
export class CatalogChannelRepository {
  private readonly rows = new ProjectedChannelRows('catalog_channel');

  /**
   * The rows of a batch's channels, each locked once, in name order: both
   * projection consumers lock in the same order, so they never deadlock.
   */
  lockAll(tx: ProjectionTx, channels: readonly string[]): Promise<Map<string, ProjectedChannel>> {
    return this.rows.lockAll(tx, channels);
  }

  /** Saves where a batch left the channel. */
  save(tx: ProjectionTx, projected: ProjectedChannel): Promise<void> {
    return this.rows.save(tx, projected);
  }

  /** Replaces the channel's authoritative departments (rule parameter authoritativeSources). */
  async authoritiesChanged(
    tx: ProjectionTx,
    channel: string,
    authorities: Readonly<Record<string, string>>,
  ): Promise<void> {
    await tx.query('DELETE FROM catalog_authority WHERE channel = $1', [channel]);
    for (const [domain, department] of Object.entries(authorities))
      tx.insert('catalog_authority', ['channel', 'domain', 'department'], [channel, domain, department]);
  }
}
