import { Command, InvalidArgumentError, Option } from 'commander';
import { dataDirOf } from '../api/network.file';
import type { CliCommand, CliContext } from '../cli.context';
import { DemoNarrator } from '../demo/demo.narrator';
import { DemoNetwork } from '../demo/demo.network';
import { playNingboStory } from '../demo/ningbo.story';
import { printJson } from '../output/printer';

interface DemoOptions {
  readonly dataDir?: string;
  readonly newcomer: string;
  readonly videoMib: number;
  readonly json?: boolean;
}

/**
 * `accord demo`: plays the Ningbo story (docs/demo.md) on the running local
 * network and narrates it with tx ids and console links. Exit 0 when every
 * step went as the story says, 1 when the network answered otherwise
 * (the step and the answer are printed), 7 when the network is not running.
 */
export const demoCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('demo')
      .description('play the Ningbo story on the running local network (`accord up` first)')
      .option('--data-dir <dir>', "the network's data dir (env ACCORD_DATA_DIR; default .accord)")
      .addOption(new Option('--newcomer <id>', 'the department admitted by vote').default('education'))
      .addOption(new Option('--video-mib <n>', 'size of the synthetic camera video').default(8).argParser(mebibytes))
      .option('--json', 'print the steps and their txs as JSON instead of the story')
      .addHelpText(
        'after',
        `
Examples:
  accord up &            # in another terminal: the network
  accord demo            # the story, with links into the console
  accord demo --json     # the steps, their tx ids and facts, for scripts`,
      )
      .action(async (options: DemoOptions) => {
        const network = DemoNetwork.open(dataDirOf(options.dataDir, context.env));
        const narrator = new DemoNarrator(context.io, network.consoleUrl, options.json === true);
        if (options.json !== true) context.io.out(`The Ningbo story, on channel "${network.channel}"`);
        await playNingboStory(network, narrator, {
          newcomer: options.newcomer,
          videoBytes: options.videoMib * 1024 * 1024,
        });
        if (options.json === true) printJson(context.io, { channel: network.channel, steps: narrator.events });
        else context.io.out(`\nThe end. Every step above is on the chain: open ${network.consoleUrl} to look around.`);
      });
  },
};

function mebibytes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1024) throw new InvalidArgumentError('expected 1 to 1024 (MiB).');
  return n;
}
