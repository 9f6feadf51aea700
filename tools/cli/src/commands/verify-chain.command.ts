import { Command } from 'commander';
import { membersKeyResolver, validateChainExport, validateMembers, verifyChain } from '@accord/protocol';
import { CliCommand, CliContext, EXIT_INVALID, EXIT_OK } from '../cli.context';
import { positiveInteger, readValidatedFile } from '../cli-files';

interface VerifyChainOptions {
  readonly keys: string;
  readonly maxTxBytes?: number;
  readonly json?: boolean;
}

/** `accord verify-chain <blocks.json> --keys <members.json>`; exit 0 valid, 1 invalid, 2 bad input. */
export const verifyChainCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('verify-chain')
      .description('re-verify an exported chain from genesis: links, hashes, Merkle roots, signatures')
      .argument('<blocks.json>', 'chain export {"v":1,"blocks":[...]}')
      .requiredOption('--keys <members.json>', 'member id -> {ed25519, x25519?} public keys')
      .option('--max-tx-bytes <n>', "the channel's tx size limit, to recheck too_large flags", positiveInteger)
      .option('--json', 'print the result as JSON')
      .action(async (chainPath: string, options: VerifyChainOptions) => {
        const chain = readValidatedFile(chainPath, 'chain file', validateChainExport);
        const members = readValidatedFile(options.keys, 'members file', validateMembers);
        const result = await verifyChain(chain.blocks, membersKeyResolver(members), { maxTxBytes: options.maxTxBytes });
        context.exitCode = result.ok ? EXIT_OK : EXIT_INVALID;
        if (options.json === true) {
          context.io.out(JSON.stringify(result, null, 2));
        } else if (result.ok) {
          context.io.out(
            result.height === null
              ? 'OK: the chain is empty'
              : `OK: ${result.blocks} blocks verified, head at height ${result.height} with hash ${result.blockHash}`,
          );
        } else {
          const where =
            result.index === undefined ? `block ${result.height}` : `block ${result.height}, tx ${result.index}`;
          context.io.out(`INVALID at ${where} (${result.code}): ${result.reason}`);
        }
      });
  },
};
