import type { ServiceLogger } from '@accord/service-kit';
import type { LedgerConfig, SelfAuditMode } from '../ledger.config';
import type { ChannelRepository, ChannelState } from '../persistence/channel.repository';
import { CommitNotifier, type CommittedBlockNotice } from '../pipeline/commit.notifier';
import type { AuditOptions, ChainAuditService } from './chain-audit.service';
import { INCREMENTAL_AUDIT_PACE_MS, SelfAuditService } from './self-audit.service';

interface AuditCall {
  channel: string;
  range: { fromHeight?: number; toHeight?: number };
  trigger: AuditOptions['trigger'];
  checkSignatures: AuditOptions['checkSignatures'];
}

const silent = { forContext: () => ({ pino: { warn: () => undefined } }) } as unknown as ServiceLogger;
const notice = (channel: string, height: number): CommittedBlockNotice => ({
  channel,
  height,
  hash: '00'.repeat(32),
  txIds: [],
  sigs: [],
});

/** A SelfAuditService over fakes: channels with the given heads, audits that record their calls and wait for `release`. */
function subject(mode: SelfAuditMode, heads: Record<string, number>) {
  const calls: AuditCall[] = [];
  const finished: AuditCall[] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const hold = () => {
    gate = new Promise((resolve) => (release = resolve));
  };
  const audits = {
    audit: async (channel: string, range: AuditCall['range'], options: AuditOptions = {}) => {
      const call = { channel, range, trigger: options.trigger, checkSignatures: options.checkSignatures };
      calls.push(call);
      await gate;
      options.signal?.throwIfAborted();
      finished.push(call);
      return { ok: true };
    },
  } as unknown as ChainAuditService;
  const channels = {
    list: async () =>
      Object.entries(heads).map(([channel, head]) => ({ channel, snapshot: { nextHeight: head + 1 } }) as ChannelState),
  } as unknown as ChannelRepository;
  const notifier = new CommitNotifier();
  const config = { selfAudit: mode, fullAuditIntervalMs: 3_600_000 } as LedgerConfig;
  const service = new SelfAuditService(config, audits, channels, notifier, silent);
  return { service, notifier, calls, finished, hold, release: () => release() };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('SelfAuditService', () => {
  it('Given mode all, Then it audits every channel with blocks at start and then only the newly committed heights', async () => {
    const { service, notifier, calls } = subject('all', { health: 4, empty: -1, transport: 1 });
    service.onApplicationBootstrap();
    await settled();
    notifier.notify([notice('health', 5), notice('health', 6)]);
    await settled();
    expect(calls).toEqual([
      { channel: 'health', range: { toHeight: 4 }, trigger: 'full', checkSignatures: true },
      { channel: 'transport', range: { toHeight: 1 }, trigger: 'full', checkSignatures: true },
      // The pipeline verified the new blocks' signatures when it built them: the incremental audit checks everything else.
      { channel: 'health', range: { fromHeight: 5, toHeight: 6 }, trigger: 'incremental', checkSignatures: false },
    ]);
    await service.onModuleDestroy();
  });

  it('Given blocks committing faster than the pace, Then it audits them together at most once per INCREMENTAL_AUDIT_PACE_MS', async () => {
    const { service, notifier, calls } = subject('all', { health: 4 });
    service.onApplicationBootstrap();
    await settled();
    notifier.notify([notice('health', 5)]);
    await settled();
    notifier.notify([notice('health', 6)]);
    notifier.notify([notice('health', 7)]);
    await settled();
    expect(calls.map((c) => c.range)).toEqual([{ toHeight: 4 }, { fromHeight: 5, toHeight: 5 }]);
    await new Promise((resolve) => setTimeout(resolve, INCREMENTAL_AUDIT_PACE_MS + 100));
    await settled();
    expect(calls.map((c) => c.range)).toEqual([
      { toHeight: 4 },
      { fromHeight: 5, toHeight: 5 },
      { fromHeight: 6, toHeight: 7 },
    ]);
    await service.onModuleDestroy();
  });

  it('Given mode full, Then it audits at start but not after commits; given off, not at all', async () => {
    const full = subject('full', { health: 2 });
    full.service.onApplicationBootstrap();
    await settled();
    full.notifier.notify([notice('health', 3)]);
    await settled();
    expect(full.calls.map((c) => c.trigger)).toEqual(['full']);
    await full.service.onModuleDestroy();

    const off = subject('off', { health: 2 });
    off.service.onApplicationBootstrap();
    off.notifier.notify([notice('health', 3)]);
    await settled();
    expect(off.calls).toEqual([]);
  });

  it('stops on shutdown: the running audit is aborted and awaited, later commits start nothing', async () => {
    const { service, notifier, calls, finished, hold, release } = subject('all', { health: 2 });
    hold();
    service.onApplicationBootstrap();
    await settled();
    expect(calls).toHaveLength(1);
    const stopped = service.onModuleDestroy();
    release();
    await stopped;
    expect(finished).toEqual([]);
    notifier.notify([notice('health', 3)]);
    await settled();
    expect(calls).toHaveLength(1);
  });
});
