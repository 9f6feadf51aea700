import { Command } from 'commander';
import { validateMembers, validateTxProof, verifyTxProof } from '@accord/protocol';
import { CliCommand, CliContext, EXIT_INVALID, EXIT_OK } from '../cli.context';
import { positiveInteger, readValidatedFile } from '../cli-files';

interface VerifyProofOptions {
  readonly keys: string;
  readonly quorum?: number;
  readonly json?: boolean;
}

/** `accord verify-proof <proof.json> --keys <members.json> [--quorum N] [--json]`; exit 0 valid, 1 invalid, 2 bad input. */
export const verifyProofCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('verify-proof')
      .description("verify a tx proof offline with the members' public keys")
      .argument('<proof.json>', 'tx proof file')
      .requiredOption('--keys <members.json>', 'member id -> {ed25519, x25519?} public keys')
      .option('--quorum <n>', 'distinct member attestations required (default: all members)', positiveInteger)
      .option('--json', 'print the result as JSON')
      .action((proofPath: string, options: VerifyProofOptions) => {
        const proof = readValidatedFile(proofPath, 'proof file', validateTxProof);
        const members = readValidatedFile(options.keys, 'members file', validateMembers);
        const result = verifyTxProof(proof, members, { quorum: options.quorum });
        context.exitCode = result.ok ? EXIT_OK : EXIT_INVALID;
        if (options.json === true) {
          context.io.out(JSON.stringify(result, null, 2));
        } else if (result.ok) {
          context.io.out(
            `OK: tx ${result.txId} is in block ${result.height} of channel ${result.channel} (index ${result.index}, validity ${result.validity})`,
          );
          context.io.out(
            `block ${result.blockHash} attested by ${result.attesters.join(', ')} (${result.attesters.length} of quorum ${result.quorum})`,
          );
        } else {
          context.io.out(`INVALID (${result.code}): ${result.reason}`);
        }
      });
  },
};
