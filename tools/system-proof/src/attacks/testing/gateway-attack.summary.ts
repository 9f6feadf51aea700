import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One attack tried on the data plane, as the lead's report counts it. */
export interface GatewayAttackRecord {
  /** The case of issue 14 item 3 it belongs to, e.g. `1 stored object altered in MinIO`. */
  readonly case: string;
  /** What was done, e.g. `one byte of a stored piece flipped (same size)`. */
  readonly attack: string;
  /** The reason (error code or scrubber finding kind) the system must answer with. */
  readonly expected: string;
  /** The reason it answered with, as read from the API. */
  readonly observed: string;
  /** Which part detected or refused it, e.g. `scrubber (POST /v1/scrubber/runs)`. */
  readonly detectedBy: string;
  /** The answer's details (message, finding detail), for the reader of the report. */
  readonly evidence?: string;
}

/**
 * Collects the attack records of one spec file and writes them, with
 * whether each held (observed = expected), to
 * `test-output/system-proof/<name>.json` at the workspace root. Records are
 * written as they come, so a file that stops midway still shows what ran.
 */
export class GatewayAttackSummary {
  private readonly records: (GatewayAttackRecord & { held: boolean })[] = [];
  private readonly file: string;

  constructor(name: string) {
    this.file = join(workspaceRoot(), 'test-output', 'system-proof', `${name}.json`);
  }

  /** Records an attack and what came back; returns the observed reason for the caller's assertion. */
  async record(entry: GatewayAttackRecord): Promise<string> {
    this.records.push({ ...entry, held: entry.observed === entry.expected });
    await mkdir(dirname(this.file), { recursive: true });
    const summary = {
      suite: 'attacks-gateway',
      writtenAt: new Date().toISOString(),
      attacks: this.records.length,
      held: this.records.filter((r) => r.held).length,
      cases: this.records,
    };
    await writeFile(this.file, `${JSON.stringify(summary, null, 2)}\n`);
    return entry.observed;
  }
}

/** The nearest directory above this file that holds nx.json (the monorepo root). */
function workspaceRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}
