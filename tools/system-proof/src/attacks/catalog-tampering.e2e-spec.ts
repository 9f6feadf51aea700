import { waitFor } from '@accord/event-bus/testing';
import type { SystemDepartment } from '../system-department';
import { registerDataset } from './testing/attack-datasets';
import {
  ATTACK_WAIT_MS,
  expectCall,
  freshName,
  startAttackNetwork,
  withServiceDatabase,
  type AttackNetwork,
} from './testing/attack-network';
import { AttackSummary } from './testing/attack-summary';

jest.setTimeout(600_000);

interface Mismatch {
  readonly dataset: string;
  readonly version: number;
  readonly field: string;
  readonly stored: string | number | null;
  readonly anchored: string | number | null;
}

interface Verification {
  readonly ok: boolean;
  readonly datasets: number;
  readonly code: string | null;
  readonly mismatches: readonly Mismatch[];
}

const FORGED_HASH = 'f'.repeat(64);

/**
 * Item 3 of issue 14, the catalog's side: directory rows altered in a
 * department's catalog database (a dataset's owner, a version's content
 * hash). The catalog is a projection of the chain, so its verification
 * compares every stored version with the committed tx it names in the
 * department's ledger and reports each altered column with both values.
 */
describe('attacks on the catalog directory', () => {
  const summary = new AttackSummary();
  let net: AttackNetwork;
  let channel: string;
  let health: SystemDepartment;
  let transport: SystemDepartment;
  let security: SystemDepartment;
  let stops: string;
  let beds: string;

  const verify = (department: SystemDepartment): Promise<Verification> =>
    expectCall<Verification>([200], department, 'catalog', 'POST', `/v1/channels/${channel}/verify`);

  beforeAll(async () => {
    net = await startAttackNetwork();
    channel = net.channel;
    [health, transport, security] = net.departments;
    const names = [freshName('bus-stops'), freshName('ward-beds')];
    await Promise.all([registerDataset(transport, channel, names[0]), registerDataset(health, channel, names[1])]);
    stops = `${transport.id}/${names[0]}`;
    beds = `${health.id}/${names[1]}`;
    // security's catalog has projected both.
    await waitFor(
      'both datasets in the directory',
      async () => {
        const verdict = await verify(security);
        return verdict.datasets >= 2 ? verdict : undefined;
      },
      ATTACK_WAIT_MS,
    );
  });

  afterAll(async () => {
    summary.write();
    await net?.destroy();
  });

  it('verifies an intact directory', async () => {
    for (const department of net.departments) {
      expect(await verify(department)).toMatchObject({ ok: true, code: null, mismatches: [] });
    }
  });

  it("reports a dataset whose owner was changed in the catalog's database", async () => {
    await withServiceDatabase(security, 'catalog', (db) =>
      db.query('UPDATE catalog_dataset SET owner = $2 WHERE id = $1', [stops, security.id]),
    );
    const verdict = await verify(security);
    expect(verdict).toMatchObject({ ok: false, code: 'catalog_row_mismatch' });
    expect(verdict.mismatches).toEqual([
      expect.objectContaining({
        dataset: stops,
        field: 'catalog_dataset.owner',
        stored: security.id,
        anchored: transport.id,
      }),
    ]);
    expect(await verify(health)).toMatchObject({ ok: true });
    summary.record({
      case: 'catalog.owner_altered',
      attack: `owner of ${stops} set to ${security.id} in ${security.id}'s catalog database`,
      expected: 'catalog_row_mismatch',
      observed: verdict.code ?? '',
      detectedBy:
        'catalog POST /v1/channels/:channel/verify against the ledger-anchored registration; metric accord_catalog_row_mismatches_total',
      detail: verdict.mismatches
        .map((m) => `${m.field}: stored ${String(m.stored)}, anchored ${String(m.anchored)}`)
        .join('; '),
    });
  });

  it("reports a content hash changed in the catalog's database", async () => {
    await withServiceDatabase(health, 'catalog', (db) =>
      Promise.all([
        db.query('UPDATE catalog_dataset SET content_hash = $2 WHERE id = $1', [beds, FORGED_HASH]),
        db.query('UPDATE catalog_dataset_version SET content_hash = $2 WHERE dataset = $1', [beds, FORGED_HASH]),
      ]),
    );
    const verdict = await verify(health);
    expect(verdict).toMatchObject({ ok: false, code: 'catalog_row_mismatch' });
    expect(verdict.mismatches.map((m) => [m.dataset, m.field, m.stored])).toEqual([
      [beds, 'catalog_dataset_version.content_hash', FORGED_HASH],
      [beds, 'catalog_dataset.content_hash', FORGED_HASH],
    ]);
    expect(await verify(transport)).toMatchObject({ ok: true });
    summary.record({
      case: 'catalog.content_hash_altered',
      attack: `content hash of ${beds} (dataset and version rows) forged in ${health.id}'s catalog database`,
      expected: 'catalog_row_mismatch',
      observed: verdict.code ?? '',
      detectedBy: 'catalog POST /v1/channels/:channel/verify against the ledger-anchored registration',
      detail: `mismatches: ${verdict.mismatches.map((m) => m.field).join(', ')}; the other departments verify clean`,
    });
  });
});
