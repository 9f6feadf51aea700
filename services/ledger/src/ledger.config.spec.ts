import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, readClusterRunbook, runbookDrift } from '@accord/service-kit';
import { ledgerConfigSchema } from './ledger.config';

const base = { ACCORD_DEPARTMENT: 'health', ACCORD_API_TOKENS: '[]', ACCORD_DATA_DIR: '/data' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(ledgerConfigSchema, { ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('ledger config', () => {
  it('defaults: the embedded key file, no channels, a worker per core, 16 blocks per commit, every self-audit, full every 6 h', () => {
    const config = loadConfig(ledgerConfigSchema, base);
    expect(config).toMatchObject({
      service: 'ledger',
      keysFile: join(resolve('/data'), 'health', 'keys', 'department-keys.json'),
      keysFileExplicit: false,
      channels: [],
      sigWorkers: availableParallelism(),
      blockGroupCommit: 16,
      selfAudit: 'all',
      fullAuditIntervalMs: 6 * 60 * 60 * 1000,
    });
  });

  it('reads its own variables (blank entries and duplicates in the channel list dropped)', () => {
    const config = loadConfig(ledgerConfigSchema, {
      ...base,
      ACCORD_KEYS_FILE: '/secrets/keys.json',
      ACCORD_LEDGER_CHANNELS: 'health, transport,,health ',
      ACCORD_LEDGER_SIG_WORKERS: '0',
      ACCORD_LEDGER_BLOCK_GROUP_COMMIT: '64',
      ACCORD_LEDGER_SELF_AUDIT: 'full',
      ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS: '60000',
    });
    expect(config).toMatchObject({
      keysFile: '/secrets/keys.json',
      keysFileExplicit: true,
      channels: ['health', 'transport'],
      sigWorkers: 0,
      blockGroupCommit: 64,
      selfAudit: 'full',
      fullAuditIntervalMs: 60_000,
    });
  });

  it('names every bad variable', () => {
    expect(
      problems({
        ACCORD_LEDGER_CHANNELS: 'ok,Not OK',
        ACCORD_LEDGER_SIG_WORKERS: '-1',
        ACCORD_LEDGER_BLOCK_GROUP_COMMIT: '0',
      }).sort(),
    ).toEqual(['ACCORD_LEDGER_BLOCK_GROUP_COMMIT', 'ACCORD_LEDGER_CHANNELS', 'ACCORD_LEDGER_SIG_WORKERS']);
    expect(problems({ ACCORD_LEDGER_SELF_AUDIT: 'yes', ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS: '99' }).sort()).toEqual([
      'ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS',
      'ACCORD_LEDGER_SELF_AUDIT',
    ]);
    expect(problems({ ACCORD_LEDGER_SIG_WORKERS: '65', ACCORD_LEDGER_BLOCK_GROUP_COMMIT: 'x' }).sort()).toEqual([
      'ACCORD_LEDGER_BLOCK_GROUP_COMMIT',
      'ACCORD_LEDGER_SIG_WORKERS',
    ]);
  });

  it('has every variable it reads in docs/runbook-cluster.md, and no other', () => {
    expect(runbookDrift(ledgerConfigSchema, readClusterRunbook(), 'ledger')).toEqual({ missing: [], stale: [] });
  });
});
