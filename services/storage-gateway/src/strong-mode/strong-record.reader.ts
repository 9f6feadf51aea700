import { Inject, Injectable } from '@nestjs/common';
import { unwrapDataKey } from '@accord/protocol';
import { ForbiddenError, InjectConfig, type DepartmentKeys, type Principal } from '@accord/service-kit';
import { DEPARTMENT_KEYS } from '../keys/gateway-keys.module';
import { KeyEncryptionKey } from '../keys/key-encryption-key';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import {
  ContentErasedError,
  ObjectIntegrityError,
  RecordGrantEndedError,
  RecordNotFoundError,
  RecordNotSharedError,
} from '../storage-gateway.errors';
import { keyShareContext } from './key.sharer';
import { openRecord } from './strong-record.cipher';
import { recordKeyContext, StrongRecordRepository, type StrongRecordRow } from './strong-record.repository';
import { StrongModeMetrics } from './strong-mode.metrics';

/** A record as GET /v1/records lists it (never its content or key). */
export interface RecordView {
  readonly txId: string;
  readonly channel: string;
  readonly dataset: string;
  readonly owner: string;
  readonly record: string;
  readonly mediaType: string;
  readonly height: number;
  /** own: a record of ours; shared: another department's, whose key was shared with us. */
  readonly origin: 'own' | 'shared';
  readonly erasedBy: string | null;
}

export interface RecordContent {
  readonly mediaType: string;
  readonly content: Buffer;
}

/**
 * Reads strong-mode records for local callers
 * (docs/storage-gateway-strong-mode.md "Reading records"): our own with the
 * key the KEK wraps; others' with the key shared to our X25519 key, only
 * while a grant it was shared under is still active here. That last check
 * is this gateway honouring revocation: the shared key itself cannot be
 * taken back.
 */
@Injectable()
export class StrongRecordReader {
  private readonly department: string;

  constructor(
    private readonly records: StrongRecordRepository,
    private readonly kek: KeyEncryptionKey,
    private readonly metrics: StrongModeMetrics,
    @Inject(DEPARTMENT_KEYS) private readonly keys: DepartmentKeys,
    @InjectConfig() config: StorageGatewayConfig,
  ) {
    this.department = config.department;
  }

  async list(channel: string, dataset: string | null): Promise<RecordView[]> {
    return (await this.records.readable(this.department, channel, dataset)).map((r) => ({
      txId: r.txId,
      channel: r.channel,
      dataset: r.dataset,
      owner: r.owner,
      record: r.record,
      mediaType: r.mediaType,
      height: r.height,
      origin: r.owner === this.department ? 'own' : 'shared',
      erasedBy: r.erasedBy,
    }));
  }

  /** The record's plaintext. A provider-only caller reads our own records only. */
  async content(txId: string, caller: Principal): Promise<RecordContent> {
    const row = await this.records.find(txId);
    if (row === undefined || row.height < 0) throw new RecordNotFoundError(txId);
    if (row.erasedBy !== null) throw new ContentErasedError(`record ${txId}`, { record: txId, erasedBy: row.erasedBy });
    const own = row.owner === this.department;
    if (!own && !caller.roles.includes('user')) throw new ForbiddenError(['user'], caller.roles);
    const dataKey = own ? this.ownKey(row) : await this.sharedKey(row);
    const content = openRecord(dataKey, row, row);
    dataKey.fill(0);
    if (content === undefined)
      throw new ObjectIntegrityError(`record ${txId} does not decrypt with its data key`, { record: txId });
    this.metrics.recordsRead.add(1, { origin: own ? 'own' : 'shared' });
    return { mediaType: row.mediaType, content };
  }

  private ownKey(row: StrongRecordRow): Uint8Array {
    if (row.wrappedKey === null) throw new ContentErasedError(`record ${row.txId}`, { record: row.txId });
    return this.kek.unwrap(row.wrappedKey, recordKeyContext(row.txId));
  }

  private async sharedKey(row: StrongRecordRow): Promise<Uint8Array> {
    const shares = await this.records.sharesFor(row.txId, this.department);
    if (shares.length === 0) throw new RecordNotSharedError(row.txId);
    const withKey = shares.filter((s) => s.wrappedKey !== null);
    if (withKey.length === 0) throw new ContentErasedError(`record ${row.txId}`, { record: row.txId });
    const live = withKey.find((s) => s.grantStatus === 'active' && s.expiresAt !== null && s.expiresAt > s.blockTime);
    if (live === undefined)
      throw new RecordGrantEndedError(
        row.txId,
        withKey.map((s) => s.grantId),
      );
    return unwrapDataKey(
      JSON.parse(live.wrappedKey as string),
      this.keys.x25519.privateKey,
      keyShareContext(row.channel, row.dataset, live.grantId, row.txId),
    );
  }
}
