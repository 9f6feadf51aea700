import { isLedgerCoreError } from '../errors/ledger-core.errors';
import { KeyHistory } from './key-history.resolver';

const K1 = '01'.repeat(32);
const K2 = '02'.repeat(32);
const APPLICANT = '03'.repeat(32);

describe('KeyHistory', () => {
  const history = new KeyHistory([
    { member: 'dept-a', at: { height: 0, index: 1 }, scope: 'from', ed25519: K1 },
    { member: 'new-dept', at: { height: 2, index: 4 }, scope: 'only', ed25519: APPLICANT },
    { member: 'dept-a', at: { height: 3, index: 0 }, scope: 'from', ed25519: K2 },
    { member: 'dept-a', at: { height: 5, index: 3 }, scope: 'from', ed25519: null },
  ]);

  it('resolves the key in force at each position: admission, rotation, departure', () => {
    expect(history.keyAt('dept-a', { height: 0, index: 0 })).toBeUndefined();
    expect(history.keyAt('dept-a', { height: 0, index: 1 })).toBe(K1);
    expect(history.keyAt('dept-a', { height: 2, index: 999 })).toBe(K1);
    expect(history.keyAt('dept-a', { height: 3, index: 0 })).toBe(K2);
    expect(history.keyAt('dept-a', { height: 5, index: 2 })).toBe(K2);
    expect(history.keyAt('dept-a', { height: 5, index: 3 })).toBeUndefined();
    expect(history.keyAt('dept-a', { height: 9, index: 0 })).toBeUndefined();
  });

  it("resolves a payload-signed tx's key at exactly its position, for that signer only", () => {
    const resolve = history.resolver();
    expect(resolve('new-dept', { height: 2, index: 4 })).toBe(APPLICANT);
    expect(resolve('new-dept', { height: 2, index: 5 })).toBeUndefined();
    expect(resolve('dept-a', { height: 2, index: 4 })).toBe(K1);
    expect(resolve('nobody', { height: 2, index: 4 })).toBeUndefined();
  });

  it('keeps what it recorded, and refuses changes out of order or malformed with a typed error', () => {
    expect(history.changes()).toHaveLength(4);
    const cases = [
      {
        change: { member: 'dept-a', at: { height: 1, index: 0 }, scope: 'from' as const, ed25519: K1 },
        code: 'history.out_of_order',
      },
      {
        change: { member: 'dept-a', at: { height: 6, index: 0 }, scope: 'from' as const, ed25519: 'nothex' },
        code: 'history.invalid',
      },
    ];
    for (const { change, code } of cases) {
      try {
        history.record(change);
        throw new Error(`expected ${code}`);
      } catch (error) {
        expect(isLedgerCoreError(error) && error.code).toBe(code);
      }
    }
  });
});
