import type { Command } from 'commander';

/** The environment variables the CLI reads (ACCORD_*, HOME, XDG_CONFIG_HOME). */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** Where a command writes; one line per call. Tests capture it, main.ts binds it to stdout/stderr. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The environment to read instead of process.env (tests pass their own, so a user's profiles never leak in). */
  readonly env?: CliEnv;
}

export interface CliContext {
  readonly io: CliIo;
  /** The environment, read once by runCli; commands never read process.env. */
  readonly env: CliEnv;
  /** The process exit code; an action sets it (0 unless it does). */
  exitCode: number;
}

/** One `accord` sub-command: registers its name, arguments, options and action on the program. */
export interface CliCommand {
  register(program: Command, context: CliContext): void;
}

/** Exit codes shared by the commands (docs/cli.md "Exit codes"). */
export const EXIT_OK = 0;
/** The thing checked (proof, chain) is invalid, or what was asked is denied (a data request). */
export const EXIT_INVALID = 1;
/** Bad input: unreadable file, malformed JSON, bad option, unknown department. */
export const EXIT_BAD_INPUT = 2;
/** A bug: an error no command expected, or a service's internal error. */
export const EXIT_INTERNAL = 3;
/** A service rejected the request (a 4xx other than 401, 403 and 404: invalid body, conflict). */
export const EXIT_REJECTED = 4;
/** A service does not know what was named (HTTP 404). */
export const EXIT_NOT_FOUND = 5;
/** The token is missing, unknown or lacks the role (HTTP 401/403). */
export const EXIT_AUTH = 6;
/** A service did not answer, or answered that it is not ready (connection refused, timeout, 502/503/504). */
export const EXIT_UNAVAILABLE = 7;

/** The exit code for a service's error status. */
export function exitCodeForHttpStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT_AUTH;
  if (status === 404) return EXIT_NOT_FOUND;
  if (status === 502 || status === 503 || status === 504) return EXIT_UNAVAILABLE;
  if (status >= 400 && status < 500) return EXIT_REJECTED;
  return EXIT_INTERNAL;
}

/** Bad input the user can fix; printed as one line, without a stack trace. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
  readonly code = 'cli.bad_input';

  /** `next`: what to do about it, printed after the message. */
  constructor(
    message: string,
    readonly next?: string,
  ) {
    super(message);
  }
}

/** A command failed for a reason outside the CLI (a refusal, a process not running): its exit code and what to do next. */
export class CliCommandError extends Error {
  override readonly name = 'CliCommandError';

  constructor(
    message: string,
    readonly exitCode: number,
    readonly next?: string,
  ) {
    super(message);
  }
}
