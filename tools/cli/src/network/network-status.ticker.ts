import type { RunningNetwork } from './network.launcher';

const STATUS_INTERVAL_MS = 5_000;

/**
 * The terminal's short status while the network runs: one line whenever the
 * channel's head or finality moves (at most every 5 s), and when a
 * department's ledger stops answering or answers again.
 */
export function networkStatusTicker(network: RunningNetwork, print: (line: string) => void): { stop(): void } {
  let last = '';
  const tick = async (): Promise<void> => {
    const parts = await Promise.all(
      network.departments.map(async (d) => {
        const response = await fetch(`${d.urls.ledger}/v1/channels/${network.channel}/head`, {
          headers: { authorization: `Bearer ${d.token}` },
          signal: AbortSignal.timeout(2_000),
        }).catch(() => undefined);
        if (response?.status !== 200) {
          await response?.body?.cancel();
          return `${d.id} ${response ? `answers ${response.status}` : 'not answering'}`;
        }
        const head = (await response.json()) as { height: number | null; finalHeight: number | null };
        return `${d.id} ${head.height ?? '-'}/${head.finalHeight ?? '-'}`;
      }),
    );
    const line = `${network.channel} height/final: ${parts.join(' · ')}`;
    if (line !== last) {
      last = line;
      print(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), STATUS_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
