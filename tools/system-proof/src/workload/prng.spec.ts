import { faultSeed, Prng } from './prng';

describe('Prng', () => {
  it('gives the same sequence for the same seed (a failed fault run replays) and another for another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('stays in range: next in [0, 1), int within its bounds, pick among the items, shuffle a permutation', () => {
    const prng = new Prng(1);
    for (let i = 0; i < 1000; i++) {
      const x = prng.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = prng.int(3, 5);
      expect([3, 4, 5]).toContain(n);
    }
    expect(['a', 'b']).toContain(prng.pick(['a', 'b']));
    expect(() => prng.pick([])).toThrow('empty');
    expect([...prng.shuffle([1, 2, 3, 4, 5])].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes the seed from ACCORD_FAULT_SEED to replay a run, refuses a bad one, else draws one', () => {
    expect(faultSeed({ ACCORD_FAULT_SEED: '123' })).toBe(123);
    expect(() => faultSeed({ ACCORD_FAULT_SEED: '-1' })).toThrow('non-negative integer');
    expect(() => faultSeed({ ACCORD_FAULT_SEED: 'x' })).toThrow('non-negative integer');
    const drawn = faultSeed({});
    expect(Number.isInteger(drawn) && drawn >= 0).toBe(true);
  });
});
