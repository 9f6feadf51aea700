// The root tsconfig uses node10 module resolution, which ignores package.json
// "exports", so PGlite's node-postgres bridge needs this declaration. Only
// what openDatabase uses is declared.
declare module '@electric-sql/pglite/node-postgres' {
  import type { PGlite } from '@electric-sql/pglite';

  /** A `pg` connection config whose connection talks to `pglite` (pool size 1). */
  export function createPgConfig(pglite: PGlite): Record<string, unknown>;
}
