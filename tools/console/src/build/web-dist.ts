import { join, resolve } from 'node:path';

/** Root of the package: `tools/console` (this file is in src/build/ or dist/build/). */
export const CONSOLE_ROOT = resolve(__dirname, '..', '..');

/** Where the built front end goes and the server reads it from. */
export const WEB_DIST = join(CONSOLE_ROOT, 'dist', 'web');
