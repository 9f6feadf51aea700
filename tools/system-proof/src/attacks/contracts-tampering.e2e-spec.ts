import type { SystemDepartment } from '../system-department';
import { registerDataset } from './testing/attack-datasets';
import {
  call,
  committedTx,
  expectCall,
  freshName,
  startAttackNetwork,
  withServiceDatabase,
  type AttackNetwork,
} from './testing/attack-network';
import { AttackSummary } from './testing/attack-summary';
import { accountOf } from './testing/attack-txs';
import { contractsApplied, contractsChannel } from './testing/contracts-channel';

jest.setTimeout(600_000);

interface StateAudit {
  readonly ok: boolean;
  readonly height: number;
  readonly code?: string;
  readonly reason?: string;
  readonly haltedNow?: boolean;
  readonly digest?: string | null;
}

interface GrantRecord {
  readonly id: string;
  readonly expiresAt: number;
  readonly status: string;
}

const DAY_MS = 86_400_000;
const TEN_YEARS_MS = 3650 * DAY_MS;

/**
 * Item 3 of issue 14, the contracts' side: a grant and an account altered
 * in a department's contracts database while the network runs. The audit
 * of the stored rule state finds it (contracts_state_corrupt) and halts that
 * department's channel, so nothing more is decided or signed on it; the
 * altered row was never what the service decided with, and the other
 * departments, whose rows are intact, go on.
 */
describe('attacks on the contracts state', () => {
  const summary = new AttackSummary();
  let net: AttackNetwork;
  let channel: string;
  let health: SystemDepartment;
  let transport: SystemDepartment;
  let security: SystemDepartment;
  let grantId: string;

  const audit = (department: SystemDepartment): Promise<StateAudit> =>
    expectCall<StateAudit>([200], department, 'contracts', 'POST', `/v1/channels/${channel}/audit`);

  const grantOf = async (department: SystemDepartment): Promise<GrantRecord> =>
    (
      await expectCall<{ grant: GrantRecord }>(
        [200],
        department,
        'contracts',
        'GET',
        `/v1/channels/${channel}/grants/${grantId}`,
      )
    ).grant;

  beforeAll(async () => {
    net = await startAttackNetwork();
    channel = net.channel;
    [health, transport, security] = net.departments;
    // health's open internal dataset; transport (with points from a registration of its own) asks for it and is granted at once.
    const name = freshName('ward-beds');
    const [registered, earned] = await Promise.all([
      registerDataset(health, channel, name),
      registerDataset(transport, channel, freshName('bus-lanes')),
    ]);
    await contractsApplied(transport, channel, Math.max(registered.height, earned.height));
    const requested = await expectCall<{ txId: string }>(
      [202],
      transport,
      'contracts',
      'POST',
      `/v1/channels/${channel}/requests`,
      { dataset: `${health.id}/${name}`, purpose: 'planning', durationMs: 30 * DAY_MS },
    );
    grantId = requested.txId;
    const { height } = await committedTx(transport, grantId);
    for (const department of net.departments) await contractsApplied(department, channel, height);
    const receipts = await expectCall<{ receipts: { receipt: { kind: string; code: string } }[] }>(
      [200],
      health,
      'contracts',
      'GET',
      `/v1/txs/${grantId}/receipts`,
    );
    expect(receipts.receipts.map((r) => r.receipt.kind)).toEqual(['granted']);
  });

  afterAll(async () => {
    summary.write();
    await net?.destroy();
  });

  it('finds a grant whose expiry was pushed out in the database, halts the channel there, and never honours the row', async () => {
    const intact = await grantOf(health);
    const extended = intact.expiresAt + TEN_YEARS_MS;
    await withServiceDatabase(health, 'contracts', (db) =>
      db.query(
        `UPDATE contracts_grant SET expires_at = $3, record = replace(record, $4, $5) WHERE channel = $1 AND id = $2`,
        [channel, grantId, extended, `"expiresAt":${intact.expiresAt}`, `"expiresAt":${extended}`],
      ),
    );
    // What the service decides with is the state it applied, not the altered row.
    expect((await grantOf(health)).expiresAt).toBe(intact.expiresAt);

    const verdict = await audit(health);
    expect(verdict).toMatchObject({ ok: false, code: 'contracts_state_corrupt', haltedNow: true });
    expect(verdict.reason).toMatch(/digest/);
    const view = await contractsChannel(health, channel);
    expect(view.halted?.code).toBe('contracts_state_corrupt');
    // No action is signed on the halted channel: the owner cannot even revoke on the altered grant.
    const revoke = await call<{ error: string }>(
      health,
      'contracts',
      'POST',
      `/v1/channels/${channel}/grants/${grantId}/revoke`,
      {},
    );
    expect(revoke).toMatchObject({ status: 409, body: { error: 'channel_halted' } });
    // The other departments' states are intact and agree.
    const others = [await audit(transport), await audit(security)];
    for (const other of others) expect(other).toMatchObject({ ok: true });
    expect(others[0].digest).toBe(others[1].digest);
    summary.record({
      case: 'contracts.grant_altered',
      attack: `grant ${grantId.slice(0, 12)}… expiry pushed out by ten years (expires_at and record) in ${health.id}'s contracts database`,
      expected: 'contracts_state_corrupt',
      observed: verdict.code ?? '',
      detectedBy:
        'contracts POST /v1/channels/:channel/audit (stored state vs applied head and digest); halt in GET /v1/channels, accord_contracts_channel_halts_total',
      detail: `channel halted (${view.halted?.code ?? 'no'}); revoke answers ${revoke.status} ${revoke.body.error}; GET grant served the applied expiry, not the altered one; the other departments audit clean with equal digests`,
    });
  });

  it('finds points added to an account in the database', async () => {
    const before = await accountOf(transport, channel, transport.id);
    await withServiceDatabase(transport, 'contracts', (db) =>
      db.query('UPDATE contracts_account SET balance = balance + 1000 WHERE channel = $1 AND member = $2', [
        channel,
        transport.id,
      ]),
    );
    expect(await accountOf(transport, channel, transport.id)).toEqual(before);
    const verdict = await audit(transport);
    expect(verdict).toMatchObject({ ok: false, code: 'contracts_state_corrupt', haltedNow: true });
    expect((await contractsChannel(transport, channel)).halted?.code).toBe('contracts_state_corrupt');
    // An audit of an already halted channel reports the halt, it does not halt again.
    expect(await audit(transport)).toMatchObject({ ok: false, code: 'contracts_state_corrupt', haltedNow: false });
    expect(await audit(security)).toMatchObject({ ok: true });
    summary.record({
      case: 'contracts.account_altered',
      attack: `1000 points added to ${transport.id}'s balance in its own contracts database`,
      expected: 'contracts_state_corrupt',
      observed: verdict.code ?? '',
      detectedBy: 'contracts POST /v1/channels/:channel/audit; the channel halts on that department',
      detail: 'GET account served the applied balance; a second audit reports the halt (haltedNow: false)',
    });
  });
});
