import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One attack as the system proof report counts it. */
export interface AttackCase {
  /** Stable name, e.g. `ledger.block_header_altered`. */
  readonly case: string;
  /** What was done, for real, to which department. */
  readonly attack: string;
  /** The reason code the spec requires. */
  readonly expected: string;
  /** The reason code the system gave (the spec asserts it equals expected). */
  readonly observed: string;
  /** Which component detected or refused it, through which API. */
  readonly detectedBy: string;
  /** What else was observed (other reasons, effects checked unchanged). */
  readonly detail?: string;
}

/** Where the specs of the ledger, contracts and catalog attacks write their cases (docs/system-proof.md counts them). */
export const ATTACKS_LEDGER_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'test-output',
  'system-proof',
  'attacks-ledger.json',
);

/**
 * Collects a spec file's cases and merges them into the shared summary file:
 * cases of other spec files stay, a case run again replaces its earlier entry.
 */
export class AttackSummary {
  private readonly cases: AttackCase[] = [];

  constructor(private readonly file: string = ATTACKS_LEDGER_FILE) {}

  record(attackCase: AttackCase): void {
    this.cases.push(attackCase);
  }

  write(): void {
    if (this.cases.length === 0) return;
    const mine = new Set(this.cases.map((c) => c.case));
    const kept = this.previous().filter((c) => !mine.has(c.case));
    const all = [...kept, ...this.cases].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify({ cases: all }, null, 2)}\n`);
  }

  private previous(): AttackCase[] {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { cases?: AttackCase[] };
      return Array.isArray(parsed.cases) ? parsed.cases : [];
    } catch {
      return [];
    }
  }
}
