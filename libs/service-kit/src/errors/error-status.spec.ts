import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { collectErrorClassCodes, describeErrorStatusTable, libSourceDir } from '../testing/error-codes.collector';
import {
  ERROR_CODE_PATTERN,
  EVENT_BUS_ERROR_STATUS,
  KIT_ERROR_STATUS,
  LEDGER_CORE_ERROR_STATUS,
  OBJECT_STORE_ERROR_STATUS,
  PERSISTENCE_ERROR_STATUS,
  PROTOCOL_ERROR_STATUS,
  RULES_ERROR_STATUS,
} from './error-status';

describeErrorStatusTable('service-kit', KIT_ERROR_STATUS, { dirs: [libSourceDir('service-kit')] });

const REPO = join(__dirname, '..', '..', '..', '..');
const sourceDirs = (parent: string): string[] =>
  readdirSync(join(REPO, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(REPO, parent, entry.name, 'src'))
    .filter((dir) => existsSync(dir));

describe('error code casing', () => {
  it.each([
    'dataset_not_found',
    'tx.invalid',
    'proof.unknown_signer',
    'merkle.invalid_argument',
    'event_bus_topic_not_found',
    'json.too_large',
    'a1.b2_c3',
  ])('accepts %s', (code) => {
    expect(code).toMatch(ERROR_CODE_PATTERN);
  });

  it.each([
    'EVENT_BUS_TOPIC_NOT_FOUND',
    'datasetNotFound',
    'Tx.invalid',
    'tx-invalid',
    'tx..invalid',
    '_x',
    'x_',
    'x.',
    'a__b',
    'tx:invalid',
  ])('rejects %s', (code) => {
    expect(code).not.toMatch(ERROR_CODE_PATTERN);
  });

  it('is the casing of every code an error class of a lib, a service or a tool carries', () => {
    const codes = collectErrorClassCodes([...sourceDirs('libs'), ...sourceDirs('services'), ...sourceDirs('tools')]);
    expect(codes.size).toBeGreaterThan(50);
    const offenders = [...codes].filter(([code]) => !ERROR_CODE_PATTERN.test(code)).map(([c, f]) => `${c} (${f})`);
    expect(offenders).toEqual([]);
  });

  it('is the casing of every code in the status tables', () => {
    const tables = [
      KIT_ERROR_STATUS,
      PROTOCOL_ERROR_STATUS,
      LEDGER_CORE_ERROR_STATUS,
      RULES_ERROR_STATUS,
      EVENT_BUS_ERROR_STATUS,
      PERSISTENCE_ERROR_STATUS,
      OBJECT_STORE_ERROR_STATUS,
    ];
    const offenders = tables.flatMap((table) => Object.keys(table)).filter((code) => !ERROR_CODE_PATTERN.test(code));
    expect(offenders).toEqual([]);
  });
});

describe('collectErrorClassCodes', () => {
  it('reads the codes of error classes, assigned or typed as literals', () => {
    const codes = collectErrorClassCodes([libSourceDir('service-kit'), libSourceDir('event-bus')]);
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['validation_failed', 'unauthenticated', 'dependency_unavailable', 'event_bus_closed']),
    );
  });
});
