import { Command, CommanderError } from 'commander';
import { ProtocolError } from '@accord/protocol';
import { CliCommand, CliContext, CliInputError, CliIo, EXIT_BAD_INPUT, EXIT_INTERNAL } from './cli.context';
import { commands as defaultCommands } from './commands';

export function buildProgram(context: CliContext, commands: readonly CliCommand[] = defaultCommands): Command {
  const program = new Command('accord')
    .description('Accord: verify proofs and chains offline, manage department keys, run a local department')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.out(text.replace(/\n$/, '')),
      writeErr: (text) => context.io.err(text.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run accord --help for usage)');
  for (const command of commands) command.register(program, context);
  return program;
}

/** Runs the CLI in-process and resolves to the exit code; it never throws. */
export async function runCli(argv: readonly string[], io: CliIo, commands?: readonly CliCommand[]): Promise<number> {
  const context: CliContext = { io, exitCode: 0 };
  try {
    await buildProgram(context, commands).parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message (or the help/version text).
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (error instanceof CliInputError || error instanceof ProtocolError) {
      io.err(`error: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    io.err(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_INTERNAL;
  }
}
