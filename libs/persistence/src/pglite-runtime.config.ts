/**
 * PGlite's Emscripten glue loads Node modules with dynamic `import()`. Jest
 * runs tests in a VM sandbox that only allows that with
 * `--experimental-vm-modules` (electric-sql/pglite#224); without it PGlite
 * crashes the worker with an uncaught error. Returns why PGlite cannot start
 * here, or undefined when it can.
 */
export function pgliteBlockedReason(): string | undefined {
  const underJest = process.env['JEST_WORKER_ID'] !== undefined;
  if (!underJest) return undefined;
  const flags = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  if (flags.includes('--experimental-vm-modules')) return undefined;
  return (
    'PGlite cannot start under Jest without --experimental-vm-modules: ' +
    'run jest with NODE_OPTIONS=--experimental-vm-modules (see docs/persistence.md)'
  );
}
