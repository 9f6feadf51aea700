/**
 * What a readiness check reports: resolve (optionally with details) when the
 * dependency is usable; throw, or resolve false, when it is not (throw a
 * NotReadyError to report details with the failure).
 */
export type ReadinessCheck = () => Promise<boolean | void | Readonly<Record<string, unknown>>>;

export interface CheckOutcome {
  readonly status: 'up' | 'down';
  readonly [detail: string]: unknown;
}

export interface ReadinessResult {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckOutcome>>;
}

/** A check that is down, with the same details it reports when up (e.g. where each event consumer stands). */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

const CHECK_TIMEOUT_MS = 3000;

/**
 * Dependencies a service needs before it should receive traffic. Modules
 * register checks at start (database ping, bus health, object store health);
 * GET /health/ready runs them all, each bounded by a timeout so a hung
 * dependency reports "down" instead of hanging the probe.
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name) || name === 'shutdown')
      throw new Error(`Readiness check "${name}" is already registered`);
    this.checks.set(name, check);
  }

  /** From now on the service reports not ready, so load balancers stop routing to it during shutdown. */
  markDraining(): void {
    this.draining = true;
  }

  names(): readonly string[] {
    return [...this.checks.keys(), ...(this.draining ? ['shutdown'] : [])];
  }

  async run(name: string): Promise<CheckOutcome> {
    if (name === 'shutdown' && this.draining) return { status: 'down', message: 'shutting down' };
    const check = this.checks.get(name);
    if (!check) return { status: 'down', message: 'no such check' };
    return runBounded(check);
  }

  async evaluate(): Promise<ReadinessResult> {
    const entries = await Promise.all(this.names().map(async (name) => [name, await this.run(name)] as const));
    return { ready: entries.every(([, c]) => c.status === 'up'), checks: Object.fromEntries(entries) };
  }
}

async function runBounded(check: ReadinessCheck): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([check(), timeout]);
    if (outcome === false) return { status: 'down', message: 'reported unhealthy' };
    return typeof outcome === 'object' && outcome !== null ? { ...outcome, status: 'up' } : { status: 'up' };
  } catch (error) {
    const details = error instanceof NotReadyError ? error.details : {};
    return { ...details, status: 'down', message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
