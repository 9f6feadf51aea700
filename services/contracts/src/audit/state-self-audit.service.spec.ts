import type { ServiceLogger } from '@accord/service-kit';
import type { ContractsConfig } from '../contracts.config';
import type { ChannelRuntime, RulesApplier, StateAudit } from '../pipeline/rules-applier.service';
import { StateSelfAuditService } from './state-self-audit.service';

const quietLog = { forContext: () => quietLog, warn: jest.fn() } as unknown as ServiceLogger;

/** An applier with the given channels whose audits answer `verdicts[channel]`, recording what was audited. */
function applierWith(channels: { channel: string; halted: boolean }[], verdicts: Record<string, StateAudit>) {
  const audited: string[] = [];
  const applier = {
    channels: () =>
      channels.map(
        ({ channel, halted }) =>
          ({
            head: { channel, halted: halted ? { height: 1, code: 'x', message: 'x', at: '' } : null },
          }) as ChannelRuntime,
      ),
    auditStored: async (channel: string) => {
      audited.push(channel);
      return verdicts[channel];
    },
  } as unknown as RulesApplier;
  return { applier, audited };
}

describe('StateSelfAuditService', () => {
  afterEach(() => jest.useRealTimers());

  it('audits every channel not halted yet and returns their verdicts', async () => {
    const corrupt: StateAudit = {
      ok: false,
      channel: 'b',
      height: 4,
      code: 'contracts_state_corrupt',
      reason: 'r',
      haltedNow: true,
    };
    const { applier, audited } = applierWith(
      [
        { channel: 'a', halted: false },
        { channel: 'b', halted: false },
        { channel: 'c', halted: true },
      ],
      { a: { ok: true, channel: 'a', height: 3, digest: 'd' }, b: corrupt },
    );
    const service = new StateSelfAuditService(applier, { auditIntervalMs: 1000 } as ContractsConfig, quietLog);
    expect(await service.runOnce()).toEqual([{ ok: true, channel: 'a', height: 3, digest: 'd' }, corrupt]);
    expect(audited).toEqual(['a', 'b']);
  });

  it('runs a round one interval after start and again after each round, never with interval 0, never after shutdown', async () => {
    jest.useFakeTimers();
    const { applier, audited } = applierWith([{ channel: 'a', halted: false }], {
      a: { ok: true, channel: 'a', height: 0, digest: 'd' },
    });
    const service = new StateSelfAuditService(applier, { auditIntervalMs: 1000 } as ContractsConfig, quietLog);
    service.onApplicationBootstrap();
    expect(audited).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(audited).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(audited).toEqual(['a', 'a']);
    service.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(5000);
    expect(audited).toEqual(['a', 'a']);

    const off = applierWith([{ channel: 'a', halted: false }], {});
    const never = new StateSelfAuditService(off.applier, { auditIntervalMs: 0 } as ContractsConfig, quietLog);
    never.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(off.audited).toEqual([]);
  });
});
