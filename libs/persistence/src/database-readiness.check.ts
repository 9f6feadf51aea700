import type { DataSource } from 'typeorm';

/**
 * Readiness probe: true when `SELECT 1` answers within `timeoutMs`.
 * Never throws. On PGlite the probe queues behind a running transaction (one
 * connection), so a long transaction can make it report not ready.
 */
export async function isDatabaseReady(dataSource: DataSource, timeoutMs = 2_000): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = dataSource
    .query('SELECT 1 AS ok')
    .then((rows: { ok: number }[]) => rows.length === 1 && rows[0].ok === 1)
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
