import { Command, CommanderError } from 'commander';
import { addGlobalConnectionOptions } from './api/connection.options';
import { CliCommand, CliContext, CliIo, EXIT_BAD_INPUT } from './cli.context';
import { commands as defaultCommands } from './commands';
import { reportError } from './output/error.report';

export function buildProgram(context: CliContext, commands: readonly CliCommand[] = defaultCommands): Command {
  const program = new Command('accord')
    .description(
      'Accord: act as one department through its services (channels, catalog, sharing, ledger, tokens); verify proofs and chains offline; run a local network',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.out(text.replace(/\n$/, '')),
      writeErr: (text) => context.io.err(text.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run accord --help for usage)');
  addGlobalConnectionOptions(program);
  for (const command of commands) command.register(program, context);
  return program;
}

/** Runs the CLI in-process and resolves to the exit code; it never throws. */
export async function runCli(argv: readonly string[], io: CliIo, commands?: readonly CliCommand[]): Promise<number> {
  // The one place the CLI reads the process environment; tests pass io.env instead.
  const context: CliContext = { io, env: io.env ?? process.env, exitCode: 0 };
  try {
    await buildProgram(context, commands).parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message (or the help/version text).
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    return reportError(error, io);
  }
}
