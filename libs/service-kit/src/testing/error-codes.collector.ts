import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODE_PATTERN } from '../errors/error-status';
import type { ErrorStatusMap } from '../errors/http-error.mapper';

/** The source folder of a lib of this repository, e.g. `libSourceDir('event-bus')`. */
export function libSourceDir(lib: string): string {
  return join(__dirname, '..', '..', '..', lib, 'src');
}

export interface ErrorCodeSources {
  /** Source folders whose error classes can reach the service's HTTP edge (its own src and the libs it uses). */
  readonly dirs: readonly string[];
  /** Codes typed by a list rather than written in a class (`PROTOCOL_ERROR_CODES`, `REJECTION_CODES`, ...). */
  readonly codeLists?: Readonly<Record<string, readonly string[]>>;
}

/**
 * A service's `errorStatus` is complete: every code its errors can carry has
 * an HTTP status (an unmapped code is answered 500 at run time), every
 * status is an error status, and every code has the one casing.
 */
export function describeErrorStatusTable(service: string, table: ErrorStatusMap, sources: ErrorCodeSources): void {
  describe(`${service} errorStatus`, () => {
    const classCodes = collectErrorClassCodes(sources.dirs);

    it('finds the error classes it checks', () => {
      expect(classCodes.size).toBeGreaterThan(0);
    });

    it('has a status for every code of an error class', () => {
      const missing = [...classCodes].filter(([code]) => table[code] === undefined).map(([c, f]) => `${c} (${f})`);
      expect(missing).toEqual([]);
    });

    for (const [list, codes] of Object.entries(sources.codeLists ?? {})) {
      it(`has a status for every code of ${list}`, () => {
        expect(codes.filter((code) => table[code] === undefined)).toEqual([]);
      });
    }

    it('has codes in the one casing only (ERROR_CODE_PATTERN)', () => {
      const codes = [...Object.keys(table), ...Object.values(sources.codeLists ?? {}).flat()];
      expect(codes.filter((code) => !ERROR_CODE_PATTERN.test(code))).toEqual([]);
    });

    it('maps codes to error statuses only', () => {
      const bad = Object.entries(table).filter(
        ([, status]) => !Number.isInteger(status) || status < 400 || status > 599,
      );
      expect(bad).toEqual([]);
    });
  });
}

/**
 * The literal codes the error classes under `dirs` can carry: `readonly code = 'x'`
 * and `readonly code: 'x' | 'y'` inside a `class ... extends ...Error`. Codes typed
 * by a list (`ProtocolErrorCode`, `RejectionCode`) are not literals: tests add
 * those lists themselves. Spec files are skipped.
 */
export function collectErrorClassCodes(dirs: readonly string[]): ReadonlyMap<string, string> {
  const codes = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      for (const code of errorClassCodesIn(readFileSync(file, 'utf8'))) if (!codes.has(code)) codes.set(code, file);
    }
  }
  return codes;
}

const ERROR_CLASS = /^\s*\w+(?:<[^>]*>)?\s+extends\s+\w*Error\b/;
const ASSIGNED_CODE = /readonly code = '([^']+)'/g;
const LITERAL_CODE_TYPE = /readonly code:\s*((?:\|?\s*'[^']+'\s*)+)/g;

function errorClassCodesIn(source: string): string[] {
  const codes: string[] = [];
  // Each chunk runs from a `class` keyword to the next one.
  for (const chunk of source.split(/\bclass\s+/).slice(1)) {
    if (!ERROR_CLASS.test(chunk)) continue;
    for (const match of chunk.matchAll(ASSIGNED_CODE)) codes.push(match[1]!);
    for (const match of chunk.matchAll(LITERAL_CODE_TYPE))
      for (const literal of match[1]!.matchAll(/'([^']+)'/g)) codes.push(literal[1]!);
  }
  return codes;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') files.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) files.push(path);
  }
  return files;
}
