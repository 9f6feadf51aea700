import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DepartmentApi } from '../../api/department.api';
import { CliContext, CliEnv, CliInputError } from '../../cli.context';
import { DataCommandError } from '../../data/data.errors';
import { ProgressRenderer, type ProgressListener } from '../../data/progress.renderer';

/**
 * What `accord upload` and `accord fetch` share: the state directory, the progress on stderr, and how their refusals are told.
 */

/**
 * Where the CLI keeps its own state (unfinished uploads): `--state-dir`,
 * else ACCORD_STATE_DIR, else `<dataDir>/cli` for a local network's
 * department, else `$XDG_STATE_HOME/accord` (default `~/.local/state/accord`).
 */
export function stateDirOf(flag: string | undefined, api: DepartmentApi, env: CliEnv): string {
  const explicit = flag ?? nonEmpty(env['ACCORD_STATE_DIR']);
  if (explicit !== undefined) return resolve(explicit);
  const origin = api.profile.origin;
  if (origin.kind === 'network') return join(origin.dataDir, 'cli');
  const stateHome = nonEmpty(env['XDG_STATE_HOME']) ?? join(nonEmpty(env['HOME']) ?? homedir(), '.local', 'state');
  return join(stateHome, 'accord');
}

/**
 * Progress on stderr: a bar on a terminal, a line every few seconds
 * otherwise (through the CLI's io, so tests see it), nothing with --json.
 */
export function progressFor(context: CliContext, json: boolean | undefined): ProgressListener {
  const tty = process.stderr.isTTY === true;
  return new ProgressRenderer({
    mode: json === true ? 'none' : tty ? 'bar' : 'lines',
    sink: {
      write: (text) => process.stderr.write(text),
      line: (text) => (tty ? process.stderr.write(`${text}\n`) : context.io.err(text)),
    },
    now: () => performance.now(),
  });
}

/**
 * Runs a data command's action; a DataCommandError becomes its `error:` and
 * `next:` lines and exit code (other errors go to the CLI's error report).
 */
export async function runDataAction(context: CliContext, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof DataCommandError)) throw error;
    context.io.err(`error: ${error.message} (${error.code})`);
    if (error.next !== undefined) context.io.err(`next: ${error.next}`);
    context.exitCode = error.exitCode;
  }
}

/** Commander parser for a repeatable `--metadata key=value`. */
export function collectMetadata(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  const key = at < 0 ? '' : value.slice(0, at);
  if (!/^[\x21-\x7e]+$/.test(key) || key.includes(','))
    throw new CliInputError(
      `--metadata ${JSON.stringify(value)} must be key=value (a key of printable ASCII, no comma)`,
    );
  return { ...previous, [key]: value.slice(at + 1) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
