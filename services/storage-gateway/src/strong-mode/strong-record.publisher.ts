import { Injectable } from '@nestjs/common';
import { datasetOwner, STRONG_RECORD, type StrongRecordPayload } from '@accord/data-plane';
import { cryptoRandom } from '@accord/protocol';
import { DependencyUnavailableError, DepartmentTxPublisher, InjectConfig, ServiceLogger } from '@accord/service-kit';
import { KeyEncryptionKey } from '../keys/key-encryption-key';
import { GatewayChannels } from '../projection/gateway-channel.repository';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { NotDatasetOwnerError } from '../storage-gateway.errors';
import { recordPlaintext, type RecordMediaType } from './record-content';
import { newRecordKey, sealRecord } from './strong-record.cipher';
import { pendingRecordId, recordKeyContext, StrongRecordRepository } from './strong-record.repository';
import { StrongModeMetrics } from './strong-mode.metrics';

export interface RecordToPublish {
  readonly channel: string;
  readonly dataset: string;
  readonly record: string;
  readonly mediaType: RecordMediaType;
  readonly content: string;
}

export interface PublishedRecord {
  readonly txId: string;
  readonly status: 'pending';
  readonly statusUrl: string;
  readonly channel: string;
  readonly dataset: string;
  readonly record: string;
}

/**
 * Publishes a strong-mode record of one of our datasets
 * (docs/storage-gateway-strong-mode.md "Publishing a record"): a fresh
 * data key encrypts the content, the ciphertext goes on the chain in a
 * strong.record tx, and the key stays here, wrapped by the KEK. The key is
 * written (in a pending row) before the tx is published and moved to the
 * record's row after, so no moment exists where the chain holds a record
 * whose key this gateway could lose by crashing.
 */
@Injectable()
export class StrongRecordPublisher {
  private readonly department: string;
  private readonly log: ServiceLogger;

  constructor(
    private readonly records: StrongRecordRepository,
    private readonly channels: GatewayChannels,
    private readonly publisher: DepartmentTxPublisher,
    private readonly kek: KeyEncryptionKey,
    private readonly metrics: StrongModeMetrics,
    @InjectConfig() config: StorageGatewayConfig,
    log: ServiceLogger,
  ) {
    this.department = config.department;
    this.log = log.forContext('strong-records');
  }

  async publish(input: RecordToPublish): Promise<PublishedRecord> {
    const { channel, dataset, record, mediaType } = input;
    if (datasetOwner(dataset) !== this.department) throw new NotDatasetOwnerError(dataset, this.department);
    await this.channels.activeMember(channel, this.department);
    const plaintext = recordPlaintext(mediaType, input.content);
    const dataKey = newRecordKey(cryptoRandom);
    const sealed = sealRecord(dataKey, { channel, dataset, record }, plaintext, cryptoRandom);
    const row = { channel, dataset, owner: this.department, record, mediaType, ...sealed };
    const pendingId = pendingRecordId(sealed.iv);
    await this.records.insertPending({
      ...row,
      txId: pendingId,
      wrappedKey: this.kek.wrap(dataKey, recordKeyContext(pendingId)),
    });
    const payload: StrongRecordPayload = { dataset, record, mediaType, alg: 'A256GCM', ...sealed };
    let published;
    try {
      published = await this.publisher.publish({ channel, type: STRONG_RECORD, payload: { ...payload } });
    } catch (error) {
      // When the bus did not answer, the tx may still be on it: the pending row keeps the key for the recovery.
      if (!(error instanceof DependencyUnavailableError)) await this.records.dropPending(pendingId);
      throw error;
    }
    await this.records.settle(
      { ...row, txId: published.txId, wrappedKey: this.kek.wrap(dataKey, recordKeyContext(published.txId)) },
      pendingId,
    );
    dataKey.fill(0);
    this.metrics.recordsPublished.add(1, { media_type: mediaType });
    this.log.pino.info(
      { channel, dataset, record, txId: published.txId, bytes: plaintext.length },
      'strong-mode record published',
    );
    return { txId: published.txId, status: 'pending', statusUrl: published.statusUrl, channel, dataset, record };
  }
}
