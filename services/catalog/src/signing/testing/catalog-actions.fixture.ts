import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus } from '@accord/event-bus';
import { txTopic } from '@accord/events';
import type { ChannelConfig } from '@accord/ledger-core';
import { LedgerHarness, testMember, type TestMember } from '@accord/ledger-core/testing';
import { parseEnvelope, verifyEnvelopeSignature, type TxEnvelope } from '@accord/protocol';
import { EVENT_BUS, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { CatalogConfig } from '../../catalog.config';
import { catalogService } from '../../catalog.definition';

/** The department the catalog under test signs for (startServiceForTest's ACCORD_DEPARTMENT). */
export const self = testMember('test-dept');
export const deptB = testMember('dept-b');
export const deptC = testMember('dept-c');
export const outsider = testMember('dept-x');

export const SHA = (c: string) => c.repeat(64);
export const MINIMAL_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use' }],
};

/** The configuration a real ledger derives from a genesis of `members` (the first signs it). */
export function channelConfig(channel: string, members: readonly TestMember[]): ChannelConfig {
  const h = new LedgerHarness(channel);
  h.log.genesis(members[0] as TestMember, 'alliance', members);
  h.closeBlock();
  return h.config;
}

export interface CatalogUnderTest {
  readonly sut: ServiceUnderTest<CatalogConfig>;
  readonly db: DataSource;
  readonly bus: EventBus;
  /** POST with the token of `role`. */
  post(path: string, body: unknown, role: keyof ServiceUnderTest<CatalogConfig>['tokens']): request.Test;
  get(path: string, role?: keyof ServiceUnderTest<CatalogConfig>['tokens']): request.Test;
  /** Every envelope on the channel's tx topic, each checked to be signed by this department's key. */
  published(channel: string): Promise<TxEnvelope[]>;
  close(): Promise<void>;
}

/** The catalog service in-process (PGlite memory, embedded log) with the department key file of `self`. */
export async function startCatalog(): Promise<CatalogUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'accord-catalog-actions-'));
  const sut = await startServiceForTest(catalogService, {
    env: { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_BUS: `embedded:${join(dir, 'bus')}` },
  });
  const bus = sut.service.app.get<EventBus>(EVENT_BUS);
  return {
    sut,
    db: sut.service.app.get(DataSource),
    bus,
    post: (path, body, role) =>
      request(sut.url)
        .post(path)
        .set('Authorization', `Bearer ${sut.tokens[role]}`)
        .send(body as object),
    get: (path, role = 'user') => request(sut.url).get(path).set('Authorization', `Bearer ${sut.tokens[role]}`),
    published: async (channel) =>
      (await bus.read(txTopic(channel), 0, 1000)).map((m) => {
        const { envelope } = parseEnvelope(m.value);
        if (!verifyEnvelopeSignature(envelope, self.keys.ed25519.publicKey))
          throw new Error(`an envelope on ${channel} is not signed by ${self.id}`);
        return envelope;
      }),
    close: async () => {
      await sut.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A followed channel with its configuration (or none: a channel the projection has seen no configuration of). */
export async function seedChannel(
  catalog: CatalogUnderTest,
  channel: string,
  config: ChannelConfig | null,
): Promise<void> {
  await catalog.db.query('INSERT INTO catalog_channel (channel, config) VALUES ($1, $2)', [
    channel,
    config === null ? null : JSON.stringify(config),
  ]);
  await catalog.bus.ensureTopic(txTopic(channel));
}

export interface DatasetSeed {
  readonly channel: string;
  readonly owner: string;
  readonly name: string;
  readonly version?: number;
  readonly status?: 'active' | 'deprecated';
}

/** A directory row as the projection writes it (the columns the actions read, plausible values for the rest). */
export async function seedDataset(catalog: CatalogUnderTest, d: DatasetSeed): Promise<string> {
  const id = `${d.owner}/${d.name}`;
  await catalog.db.query(
    `INSERT INTO catalog_dataset (id, channel, owner, name, version, status, title, publisher, domain, data_type,
       sensitivity, governance, update_frequency, volume_bytes, content_hash, policy, terms,
       registered_height, registered_time, registered_tx, updated_height, updated_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $3, 'transport', 'table', 'public', 'light', 'daily', 1024, $8, $9, '{}',
       1, 1700000000000, $8, 1, 1700000000000)`,
    [
      id,
      d.channel,
      d.owner,
      d.name,
      d.version ?? 1,
      d.status ?? 'active',
      `Title of ${id}`,
      SHA('a'),
      JSON.stringify(MINIMAL_POLICY),
    ],
  );
  return id;
}

export interface RequestSeed {
  readonly id: string;
  readonly channel: string;
  readonly dataset: string;
  readonly requester: string;
  readonly provider: string;
  readonly purpose: string;
  readonly status: string;
  readonly code: string;
  readonly message?: string;
  readonly height: number;
  readonly grant?: { status: string; expiresAt: number; used: number; max: number | null };
}

export async function seedRequest(catalog: CatalogUnderTest, r: RequestSeed): Promise<void> {
  await catalog.db.query(
    `INSERT INTO catalog_request (id, channel, dataset, requester, provider, purpose, duration_ms, status, code, message,
       requested_height, requested_time, grant_status, granted_time, expires_at, accesses_used, max_accesses,
       updated_height, updated_time)
     VALUES ($1, $2, $3, $4, $5, $6, 86400000, $7, $8, $9, $10, 1700000000000, $11, $12, $13, $14, $15, $10, 1700000000000)`,
    [
      r.id,
      r.channel,
      r.dataset,
      r.requester,
      r.provider,
      r.purpose,
      r.status,
      r.code,
      r.message ?? null,
      r.height,
      r.grant?.status ?? null,
      r.grant === undefined ? null : 1700000000000,
      r.grant?.expiresAt ?? null,
      r.grant?.used ?? 0,
      r.grant?.max ?? null,
    ],
  );
}

export interface ReportSeed {
  readonly id: string;
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly reporter: string;
  readonly height: number;
  readonly answered?: { resolution: string; answer: string; fixedVersion?: number };
}

export async function seedReport(catalog: CatalogUnderTest, r: ReportSeed): Promise<void> {
  await catalog.db.query(
    `INSERT INTO catalog_quality_report (id, channel, dataset, version, reporter, category, reason, height, time, status,
       resolution, answer, fixed_version, answer_tx, answered_time)
     VALUES ($1, $2, $3, $4, $5, 'outdated', 'the 2023 figures are missing', $6, 1700000000000, $7, $8, $9, $10, $11, $12)`,
    [
      r.id,
      r.channel,
      r.dataset,
      r.version,
      r.reporter,
      r.height,
      r.answered === undefined ? 'open' : 'answered',
      r.answered?.resolution ?? null,
      r.answered?.answer ?? null,
      r.answered?.fixedVersion ?? null,
      r.answered === undefined ? null : SHA('e'),
      r.answered === undefined ? null : 1700000100000,
    ],
  );
}
