import { Command } from 'commander';
import { resolveChannel } from '../../api/channel.resolver';
import { addConnectionOptions, connect, type ApiCommandOptions } from '../../api/connection.options';
import { CliCommand, CliContext, CliInputError } from '../../cli.context';
import { nonNegativeInteger, positiveInteger } from '../../cli-files';
import { formatBytes } from '../../data/progress.renderer';
import { mediaTypeOf } from '../../data/media-type';
import { uploadFile } from '../../data/upload-file';
import { UploadStateStore } from '../../data/upload-state.store';
import { printFields, printJson } from '../../output/printer';
import { collectMetadata, progressFor, runDataAction, stateDirOf } from './data-command.support';

interface UploadCommandOptions extends ApiCommandOptions {
  readonly channel?: string;
  readonly dataset?: string;
  readonly name?: string;
  readonly version: number;
  readonly mediaType?: string;
  readonly metadata?: Record<string, string>;
  readonly restart?: boolean;
  readonly chunkSize?: number;
  readonly stateDir?: string;
  readonly anchorTimeout: number;
}

/**
 * `accord upload <file>`: the file into the department's storage gateway as
 * a dataset version (tus, resumable), then the anchored object.
 * docs/cli-data.md "accord upload".
 */
export const uploadCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    addConnectionOptions(
      program
        .command('upload')
        .description(
          "upload a file as a dataset version to the department's gateway (resumable) and wait for its anchor",
        )
        .argument('<file>', 'the file to upload (streamed, never read whole into memory)')
        .option(
          '--channel <channel>',
          "the channel (default: the only one the department follows, else the local network's)",
        )
        .option('--dataset <owner/name>', 'the dataset (the owner must be this department)')
        .option('--name <name>', 'the dataset name, owned by this department (instead of --dataset)')
        .option('--version <n>', 'the dataset version', positiveInteger, 1)
        .option('--media-type <type>', 'media type (default: from the file extension)')
        .option('--metadata <key=value>', 'more upload metadata (repeatable)', collectMetadata)
        .option('--restart', 'terminate an unfinished upload of this file and start over')
        .option('--chunk-size <bytes>', 'bytes per PATCH (default 8 MiB)', positiveInteger)
        .option('--state-dir <dir>', 'where unfinished uploads are recorded (env ACCORD_STATE_DIR)')
        .option(
          '--anchor-timeout <seconds>',
          'how long to wait for the anchor (0: do not wait)',
          nonNegativeInteger,
          120,
        ),
    ).action((file: string, options: UploadCommandOptions) =>
      runDataAction(context, async () => {
        const api = connect(options, context);
        const dataset = datasetOf(options, api.profile.department);
        const result = await uploadFile(
          api,
          file,
          {
            channel: await resolveChannel(api, options.channel),
            dataset,
            version: options.version,
            mediaType: options.mediaType ?? mediaTypeOf(file),
            ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
            state: UploadStateStore.in(stateDirOf(options.stateDir, api, context.env)),
            restart: options.restart === true,
            ...(options.chunkSize === undefined ? {} : { chunkBytes: options.chunkSize }),
            anchorWaitMs: options.anchorTimeout * 1000,
          },
          progressFor(context, options.json),
        );
        if (options.json === true) {
          printJson(context.io, result.object);
          return;
        }
        const o = result.object;
        printFields(context.io, [
          ['object', o.objectId],
          ['dataset', `${o.dataset} v${o.version} on ${o.channel}`],
          ['size', `${o.sizeBytes} bytes (${formatBytes(o.sizeBytes)})`],
          ['media type', o.mediaType],
          ['sha256', o.sha256],
          ['merkle root', o.chunkRoot],
          ['chunk size', o.chunkSize],
          ['anchor tx', o.anchorTxId],
          ['status', o.status],
          ['resumed at', result.resumedFrom > 0 ? result.resumedFrom : undefined],
        ]);
      }),
    );
  },
};

function datasetOf(options: UploadCommandOptions, department: string): string {
  if (options.dataset !== undefined && options.name !== undefined)
    throw new CliInputError('give --dataset or --name, not both');
  if (options.dataset !== undefined) return options.dataset;
  if (options.name !== undefined) return `${department}/${options.name}`;
  throw new CliInputError(
    'which dataset is this a version of?',
    `pass --name <name> (a dataset of ${department}) or --dataset ${department}/<name>`,
  );
}
