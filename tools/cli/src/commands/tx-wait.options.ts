import { Command, Option } from 'commander';
import { DepartmentApi } from '../api/department.api';
import { SubmittedTx, TxStatus, waitForTx } from '../api/tx-status';
import { CliContext, EXIT_INVALID, EXIT_UNAVAILABLE } from '../cli.context';
import { positiveInteger } from '../cli-files';
import { printJson } from '../output/printer';

export interface WaitOptions {
  readonly wait?: boolean;
  readonly waitMs: number;
  readonly json?: boolean;
}

/** `--wait` and `--wait-ms` for commands that publish a tx. */
export function addWaitOptions(command: Command): Command {
  return command
    .option('--wait', 'wait until the tx is committed and print its validity code')
    .addOption(
      new Option('--wait-ms <ms>', 'how long --wait waits for the commit').default(30_000).argParser(positiveInteger),
    );
}

/**
 * Prints a published tx (`what` says what it does) and, with --wait, waits
 * for its block: exit 1 when the tx is committed but not valid, 7 when it is
 * not committed in time.
 */
export async function reportSubmitted(
  context: CliContext,
  api: DepartmentApi,
  submitted: SubmittedTx,
  options: WaitOptions,
  what: string,
): Promise<TxStatus | undefined> {
  const committed = options.wait === true ? await waitForTx(api, submitted.statusUrl, options.waitMs) : undefined;
  if (options.json === true)
    printJson(context.io, { ...submitted, ...(options.wait === true ? { committed: committed ?? null } : {}) });
  else context.io.out(`${what}: tx ${submitted.txId} published on channel ${submitted.channel}`);
  if (options.wait !== true) {
    if (options.json !== true) context.io.out(`its block decides; follow it with \`accord tx ${submitted.txId}\``);
    return undefined;
  }
  if (committed === undefined || committed.status !== 'committed') {
    context.io.err(`error: tx ${submitted.txId} is not committed after ${options.waitMs} ms`);
    context.io.err(
      `next: check later with \`accord tx ${submitted.txId}\`; \`accord status\` shows whether the services are ready`,
    );
    context.exitCode = EXIT_UNAVAILABLE;
    return committed;
  }
  if (options.json !== true) {
    context.io.out(`committed in block ${committed.height} (index ${committed.index}): validity ${committed.code}`);
  }
  if (committed.code !== 'valid') {
    context.io.err(`error: the tx was committed as ${committed.code}: the ledger or the rules refused it`);
    context.exitCode = EXIT_INVALID;
  }
  return committed;
}
