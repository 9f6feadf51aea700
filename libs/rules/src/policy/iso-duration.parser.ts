import { MAX_AMOUNT } from '../common/amount.math';

// Weeks alone, or days and/or a time part; no years or months (their length varies).
const DURATION = /^P(?:(\d{1,15})W|(?:(\d{1,15})D)?(?:T(?:(\d{1,15})H)?(?:(\d{1,15})M)?(?:(\d{1,15})S)?)?)$/;

const UNIT_MS = { W: 604_800_000n, D: 86_400_000n, H: 3_600_000n, M: 60_000n, S: 1_000n } as const;

/**
 * Milliseconds of an xsd:duration restricted to fixed-length units
 * (`P2W`, `P30D`, `PT12H`, `P1DT2H30M`, `PT90S`), or undefined when the text
 * is not such a duration, has no component, or exceeds the safe range.
 * Integer seconds only: fractions are rejected (no floats in the rules).
 */
export function parseIsoDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === 'P' || text.endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  const parts: [string | undefined, bigint][] = [
    [weeks, UNIT_MS.W],
    [days, UNIT_MS.D],
    [hours, UNIT_MS.H],
    [minutes, UNIT_MS.M],
    [seconds, UNIT_MS.S],
  ];
  if (parts.every(([digits]) => digits === undefined)) return undefined;
  let total = 0n;
  for (const [digits, unit] of parts) if (digits !== undefined) total += BigInt(digits) * unit;
  return total <= BigInt(MAX_AMOUNT) ? Number(total) : undefined;
}
