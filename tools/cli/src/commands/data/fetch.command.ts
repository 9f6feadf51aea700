import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { resolveChannel } from '../../api/channel.resolver';
import { addConnectionOptions, connect, type ApiCommandOptions } from '../../api/connection.options';
import { CliCommand, CliContext, CliInputError } from '../../cli.context';
import { positiveInteger } from '../../cli-files';
import { fetchGranted } from '../../data/fetch-granted';
import { parseFetchTarget } from '../../data/grant.resolver';
import { formatBytes } from '../../data/progress.renderer';
import { printFields, printJson } from '../../output/printer';
import { progressFor, runDataAction } from './data-command.support';

interface FetchCommandOptions extends ApiCommandOptions {
  readonly out: string;
  readonly channel?: string;
  readonly force?: boolean;
  readonly timeout: number;
}

/**
 * `accord fetch <grant|request|owner/name> --out <file>`: granted data
 * fetched by the department's gateway from the provider, verified against
 * its anchor, and written to a file. docs/cli-data.md "accord fetch".
 */
export const fetchCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    addConnectionOptions(
      program
        .command('fetch')
        .description('fetch granted data through your gateway (verified chunk by chunk against its anchor) into a file')
        .argument('<target>', 'a grant id, its access request id (the same), or a dataset <owner>/<name>')
        .requiredOption('--out <file>', 'where to write the data')
        .option(
          '--channel <channel>',
          "the channel of the grant (default: the only one the department follows, else the local network's)",
        )
        .option('--force', 'overwrite --out if it exists')
        .option('--timeout <seconds>', 'give up on the transfer after this long', positiveInteger, 1800),
    ).action((target: string, options: FetchCommandOptions) =>
      runDataAction(context, async () => {
        const what = parseFetchTarget(target);
        const out = resolve(options.out);
        if (options.force !== true && existsSync(out))
          throw new CliInputError(`${out} exists`, 'pass --force to overwrite it, or choose another --out');
        const api = connect(options, context);
        const result = await fetchGranted(
          api,
          what,
          { channel: await resolveChannel(api, options.channel), out, timeoutMs: options.timeout * 1000 },
          progressFor(context, options.json),
        );
        if (options.json === true) {
          printJson(context.io, {
            grant: result.grant.id,
            dataset: result.grant.dataset,
            provider: result.grant.provider,
            transferId: result.transfer.transferId,
            objectId: result.object.objectId,
            out: result.out,
            bytes: result.bytes,
            chunksVerified: result.chunksVerified,
            sha256: result.sha256,
            chunkRoot: result.object.chunkRoot,
            anchorTx: result.anchorTx,
            useTx: result.useTx,
          });
          return;
        }
        printFields(context.io, [
          ['written', result.out],
          ['dataset', `${result.grant.dataset} from ${result.grant.provider}`],
          ['bytes', `${result.bytes} (${formatBytes(result.bytes)})`],
          ['chunks verified', result.chunksVerified],
          ['sha256', `${result.sha256} (matches anchor ${result.anchorTx})`],
          ['merkle root', result.object.chunkRoot],
          ['access tx', result.useTx],
          ['grant', result.grant.id],
        ]);
      }),
    );
  },
};
