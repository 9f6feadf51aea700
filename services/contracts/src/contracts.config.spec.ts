import { resolve } from 'node:path';
import { ConfigError, loadConfig, readClusterRunbook, runbookDrift } from '@accord/service-kit';
import { contractsConfigSchema } from './contracts.config';

const base = { ACCORD_DEPARTMENT: 'dept-a', ACCORD_API_TOKENS: '[]', ACCORD_DATA_DIR: '/var/lib/accord' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(contractsConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.reason}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('contracts config', () => {
  it('defaults to the embedded layout, no ledger API, 20 ms polls and batches of 64', () => {
    const config = loadConfig(contractsConfigSchema, base);
    expect(config).toMatchObject({
      service: 'contracts',
      department: 'dept-a',
      httpPort: 7101,
      keysFile: '/var/lib/accord/dept-a/keys/department-keys.json',
      keysFileExplicit: false,
      ledger: null,
      pollIntervalMs: 20,
      batchSize: 64,
      auditIntervalMs: 600_000,
      database: { kind: 'pglite', dataDir: '/var/lib/accord/dept-a/contracts/db' },
    });
  });

  it('reads the key file, the ledger API and the reader settings', () => {
    const config = loadConfig(contractsConfigSchema, {
      ...base,
      ACCORD_KEYS_FILE: 'keys.json',
      ACCORD_LEDGER_URL: 'http://ledger.dept-a:7100/',
      ACCORD_LEDGER_TOKEN: 'secret',
      ACCORD_CONTRACTS_POLL_MS: '5',
      ACCORD_CONTRACTS_BATCH: '500',
      ACCORD_CONTRACTS_AUDIT_INTERVAL_MS: '0',
    });
    expect(config).toMatchObject({
      keysFile: resolve('keys.json'),
      keysFileExplicit: true,
      ledger: { url: 'http://ledger.dept-a:7100', token: 'secret' },
      pollIntervalMs: 5,
      batchSize: 500,
      auditIntervalMs: 0,
    });
  });

  it('names every bad variable', () => {
    expect(
      problems({
        ...base,
        ACCORD_LEDGER_URL: 'ftp://x',
        ACCORD_CONTRACTS_POLL_MS: '0',
        ACCORD_CONTRACTS_BATCH: 'many',
        ACCORD_CONTRACTS_AUDIT_INTERVAL_MS: '-1',
      }),
    ).toEqual(
      expect.arrayContaining([
        'ACCORD_LEDGER_URL: must be an http(s) URL',
        'ACCORD_CONTRACTS_POLL_MS: must be an integer from 1 to 10000',
        'ACCORD_CONTRACTS_BATCH: must be an integer from 1 to 1000',
        'ACCORD_CONTRACTS_AUDIT_INTERVAL_MS: must be an integer from 0 to 2592000000',
      ]),
    );
  });

  it('wants the ledger URL and its token together', () => {
    expect(problems({ ...base, ACCORD_LEDGER_URL: 'http://127.0.0.1:7100' })).toEqual([
      'ACCORD_LEDGER_TOKEN: is required when ACCORD_LEDGER_URL is set',
    ]);
    expect(problems({ ...base, ACCORD_LEDGER_TOKEN: 'secret' })).toEqual([
      'ACCORD_LEDGER_URL: is required when ACCORD_LEDGER_TOKEN is set',
    ]);
  });

  it('has every variable it reads in docs/runbook-cluster.md, and no other', () => {
    expect(runbookDrift(contractsConfigSchema, readClusterRunbook(), 'contracts')).toEqual({ missing: [], stale: [] });
  });
});
