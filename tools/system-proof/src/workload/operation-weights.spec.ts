import { OPERATION_WEIGHTS, pickByWeight } from './operation-weights';
import { Prng } from './prng';

describe('pickByWeight', () => {
  it('picks only among the candidates, about as often as their weights say', () => {
    const prng = new Prng(7);
    const candidates = [{ name: 'register' as const }, { name: 'upload' as const }, { name: 'transfer' as const }];
    const counts = { register: 0, upload: 0, transfer: 0 };
    const draws = 6_000;
    for (let i = 0; i < draws; i++) counts[pickByWeight(prng, candidates)!.name]++;
    const total = OPERATION_WEIGHTS.register + OPERATION_WEIGHTS.upload + OPERATION_WEIGHTS.transfer;
    for (const { name } of candidates) {
      expect(counts[name] / draws).toBeGreaterThan(OPERATION_WEIGHTS[name] / total - 0.03);
      expect(counts[name] / draws).toBeLessThan(OPERATION_WEIGHTS[name] / total + 0.03);
    }
  });

  it('has nothing to pick without candidates', () => {
    expect(pickByWeight(new Prng(1), [])).toBeUndefined();
  });
});
