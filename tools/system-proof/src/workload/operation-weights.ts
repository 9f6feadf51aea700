import type { Prng } from './prng';
import type { OperationName } from './workload-journal';

/** How often each operation of the mixed workload is picked (relative weights), in the fault runs and the load benchmark alike. */
export const OPERATION_WEIGHTS: Readonly<Record<OperationName, number>> = {
  register: 3,
  search: 3,
  request: 3,
  consent: 2,
  upload: 1,
  transfer: 2,
};

/** Every operation name, in the order the weights list them. */
export const OPERATION_NAMES = Object.keys(OPERATION_WEIGHTS) as readonly OperationName[];

/** One of `candidates` (operations that have something to act on now), drawn by OPERATION_WEIGHTS; undefined when there is none. */
export function pickByWeight<C extends { readonly name: OperationName }>(
  prng: Prng,
  candidates: readonly C[],
): C | undefined {
  const total = candidates.reduce((sum, c) => sum + OPERATION_WEIGHTS[c.name], 0);
  let roll = prng.next() * total;
  for (const candidate of candidates) {
    roll -= OPERATION_WEIGHTS[candidate.name];
    if (roll < 0) return candidate;
  }
  return candidates[candidates.length - 1];
}
