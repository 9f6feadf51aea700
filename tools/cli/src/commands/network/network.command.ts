import { Command } from 'commander';
import { dataDirOf, readNetworkFile } from '../../api/network.file';
import {
  CliCommand,
  CliCommandError,
  CliContext,
  CliInputError,
  EXIT_BAD_INPUT,
  EXIT_REJECTED,
} from '../../cli.context';
import { callNetworkControl } from '../../network/network-control.client';
import type { NetworkFile } from '../../network/network-file';
import { printFields, printJson, printTable } from '../../output/printer';

interface NetworkOptions {
  readonly dataDir?: string;
  readonly json?: boolean;
}

/**
 * `accord network show|add`: the local network `accord up` runs, from its
 * network.json and its control API (docs/network.md). `add` starts one more
 * department in the running network; it is not a channel member until the
 * members vote it in (`accord channel join`, then `accord channel vote`).
 */
export const networkCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    const network = program
      .command('network')
      .description('the local network: its departments, console and control API (`accord up` runs it)');
    withNetworkOptions(network.command('show'))
      .description('departments, URLs and channel of the local network, and whether it runs')
      .addHelpText('after', '\nExamples:\n  accord network show\n  accord network show --data-dir /tmp/net --json')
      .action(async (options: NetworkOptions) => {
        const file = localNetwork(options, context);
        const running = await controlCall(file, options, context, 'GET').then(
          () => true,
          () => false,
        );
        if (options.json === true) return printJson(context.io, { ...file, running });
        printFields(context.io, [
          ['channel', file.channel],
          ['mode', file.mode],
          ['running', running ? 'yes' : 'no (start it with `accord up`)'],
          ['console', file.consoleUrl],
        ]);
        printTable(
          context.io,
          file.departments,
          [
            { header: 'department', value: (d) => d.id },
            { header: 'founder', value: (d) => (d.founder ? 'yes' : 'no') },
            { header: 'ledger', value: (d) => d.urls.ledger },
            { header: 'contracts', value: (d) => d.urls.contracts },
            { header: 'catalog', value: (d) => d.urls.catalog },
            { header: 'storage-gateway', value: (d) => d.urls['storage-gateway'] },
          ],
          'no departments',
        );
      });
    withNetworkOptions(network.command('add'))
      .description('start one more department in the running network (it applies to the channel with `channel join`)')
      .argument('<id>', 'department id: lower-case letters, digits, inner hyphens')
      .addHelpText(
        'after',
        '\nExamples:\n  accord network add education\n  accord --dept education channel join alliance   # then the members vote',
      )
      .action(async (id: string, options: NetworkOptions) => {
        const file = localNetwork(options, context);
        const added = (await controlCall(file, options, context, 'POST', { id })) as {
          id: string;
          urls: Record<string, string>;
        };
        if (options.json === true) return printJson(context.io, added);
        context.io.out(`department ${added.id} runs: ledger ${added.urls['ledger']}`);
        context.io.err(
          `next: apply to the channel with \`accord --dept ${added.id} channel join ${file.channel}\`, then the members vote`,
        );
      });
  },
};

function withNetworkOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', "the network's data dir (env ACCORD_DATA_DIR; default .accord)")
    .option('--json', 'print the result as JSON on stdout');
}

function localNetwork(options: NetworkOptions, context: CliContext): NetworkFile {
  const dataDir = dataDirOf(options.dataDir, context.env);
  const file = readNetworkFile(dataDir);
  if (file === undefined) {
    throw new CliInputError(`no local network in ${dataDir}`, 'start one with `accord up` (or pass --data-dir)');
  }
  return file;
}

/** One call to the control API; failures set the exit code and throw a message with the next step. */
async function controlCall(
  file: NetworkFile,
  options: NetworkOptions,
  context: CliContext,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<unknown> {
  const path = method === 'GET' ? '/v1/network' : '/v1/network/departments';
  const response = await callNetworkControl(dataDirOf(options.dataDir, context.env), file, method, path, body);
  const answer = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) {
    throw new CliCommandError(
      `the network refused: ${answer.message ?? response.statusText}`,
      response.status === 401 ? EXIT_BAD_INPUT : EXIT_REJECTED,
      response.status === 401 ? 'the control token file does not match the running network' : 'check the department id',
    );
  }
  return answer;
}
