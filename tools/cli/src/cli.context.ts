import type { Command } from 'commander';

/** Where a command writes; one line per call. Tests capture it, main.ts binds it to stdout/stderr. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliContext {
  readonly io: CliIo;
  /** The process exit code; an action sets it (0 unless it does). */
  exitCode: number;
}

/** One `accord` sub-command: registers its name, arguments, options and action on the program. */
export interface CliCommand {
  register(program: Command, context: CliContext): void;
}

/** Exit codes shared by the commands. */
export const EXIT_OK = 0;
/** The thing checked (proof, chain) is invalid. */
export const EXIT_INVALID = 1;
/** Bad input: unreadable file, malformed JSON, bad option. */
export const EXIT_BAD_INPUT = 2;
/** A bug: an error no command expected. */
export const EXIT_INTERNAL = 3;

/** Bad input the user can fix; printed as one line, without a stack trace. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
  readonly code = 'cli.bad_input';
}
