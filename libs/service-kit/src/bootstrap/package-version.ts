import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `version` of the package.json next to `dir`'s parent — a service passes
 * its `__dirname` (src/ under tests, dist/ when built; both sit beside package.json).
 */
export function readPackageVersion(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`no version in ${join(dir, '..', 'package.json')}`);
  return pkg.version;
}
