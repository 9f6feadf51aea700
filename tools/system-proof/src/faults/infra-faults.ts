import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The real servers of scripts/infra a fault may stop and restart. */
export type InfraServer = 'kafka' | 'postgres' | 'minio';

/** What a server's script is asked to do (docs/infrastructure.md): all keep the data, `start` and `restart` the port. */
export type InfraAction = 'stop' | 'start' | 'restart';

/** How long one script call may take: a Kafka restart waits up to 30 s for its port and 120 s for the broker. */
const SCRIPT_TIMEOUT_MS = 240_000;

/**
 * The repository root: the first directory above this file holding
 * scripts/infra, so the scripts are found from src/ (jest) and dist/ alike.
 */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'infra', 'common.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no scripts/infra above ${from}`);
  }
}

/** The path of a server's control script. */
export function infraScript(server: InfraServer): string {
  return join(repoRoot(), 'scripts', 'infra', `${server}.sh`);
}

/**
 * Runs `scripts/infra/<server>.sh <action>` and resolves with its wall time
 * (ms) once it is done: for `start` and `restart` that is once the server
 * is healthy again, on the same port with the same data (the services under
 * test keep the address they were configured with). The scripts act on the
 * servers of `$ACCORD_RUN` (the default run directory when unset), which
 * this process's environment passes on. Rejects with the script's output
 * when it fails.
 */
export async function controlInfra(server: InfraServer, action: InfraAction): Promise<number> {
  const started = performance.now();
  try {
    await run('bash', [infraScript(server), action], {
      timeout: SCRIPT_TIMEOUT_MS,
      // A start after a stop must come back on the port the services know.
      env: { ...process.env, ACCORD_INFRA_SAME_PORT: '1' },
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `scripts/infra/${server}.sh ${action} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`,
    );
  }
  return Math.round(performance.now() - started);
}

/** Whether a server's `status` says it runs. */
export async function infraRunning(server: InfraServer): Promise<boolean> {
  try {
    await run('bash', [infraScript(server), 'status'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts every server of the list that is not running (a spec's afterAll:
 * whatever a failed fault left stopped is brought back, so the next spec
 * finds the servers running and healthy).
 */
export async function ensureInfraRunning(servers: readonly InfraServer[] = ['postgres', 'kafka', 'minio']) {
  for (const server of servers) {
    if (!(await infraRunning(server))) await controlInfra(server, 'start');
  }
}
