import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';

/** The heading of the runbook's table of the variables every service reads. */
export const COMMON_VARIABLES_HEADING = 'Common variables (all four services)';

/** The variable names a config schema reads: the keys of its object, under any transform, pipe or refinement. */
export function envVariablesOf(schema: z.ZodType): string[] {
  let current: unknown = schema;
  for (let depth = 0; depth < 10; depth++) {
    const shape = (current as { shape?: Record<string, unknown> }).shape;
    if (shape !== undefined) return Object.keys(shape).sort();
    current = (current as { _zod: { def: { in?: unknown } } })._zod.def.in;
    if (current === undefined) break;
  }
  throw new Error('not a config schema: no object shape found under its transforms');
}

/** The variables a markdown table lists (first column, `ACCORD_...` in backticks) under a heading, up to the next heading. */
export function documentedVariables(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{2,4} /.test(l) && l.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,4} /.test(line)) break;
    const match = /^\| `(ACCORD_[A-Z0-9_]+)` \|/.exec(line);
    if (match) names.push(match[1]);
  }
  return names.sort();
}

/** docs/runbook-cluster.md of the repository. */
export function readClusterRunbook(): string {
  return readFileSync(join(__dirname, '../../../../docs/runbook-cluster.md'), 'utf8');
}

/**
 * Compares a service's config schema with the runbook: `missing` = variables
 * the schema reads that neither the common table nor the service's own table
 * lists; `stale` = rows of the service's table that the schema does not read.
 */
export function runbookDrift(
  schema: z.ZodType,
  runbook: string,
  serviceHeading: string,
): { readonly missing: readonly string[]; readonly stale: readonly string[] } {
  const read = envVariablesOf(schema);
  const common = documentedVariables(runbook, COMMON_VARIABLES_HEADING);
  const own = documentedVariables(runbook, serviceHeading);
  return {
    missing: read.filter((v) => !common.includes(v) && !own.includes(v)),
    stale: own.filter((v) => !read.includes(v)),
  };
}
