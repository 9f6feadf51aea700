/**
 * Checked integer arithmetic for points, byte counters and block times.
 * Every amount is a non-negative safe integer; a sum that would leave the
 * safe range is reported (undefined), never rounded.
 */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

/** The sum of non-negative safe integers, or undefined when it exceeds MAX_AMOUNT. */
export function checkedSum(...amounts: readonly number[]): number | undefined {
  let total = 0n;
  for (const amount of amounts) {
    if (!Number.isSafeInteger(amount) || amount < 0) return undefined;
    total += BigInt(amount);
  }
  return total <= BigInt(MAX_AMOUNT) ? Number(total) : undefined;
}

/** a - b for safe integers with a >= b >= 0, or undefined when it would go negative. */
export function checkedDifference(a: number, b: number): number | undefined {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < 0 || a < b) return undefined;
  return a - b;
}
