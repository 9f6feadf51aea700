import { Command } from 'commander';
import {
  isTxProofBundleShape,
  ProtocolError,
  validateMembers,
  validateTxProof,
  validateTxProofBundle,
  verifyTxProof,
  type Members,
  type TxProof,
} from '@accord/protocol';
import { CliCommand, CliContext, CliInputError, EXIT_INVALID, EXIT_OK } from '../cli.context';
import { positiveInteger, readJsonFile, readValidatedFile } from '../cli-files';

interface VerifyProofOptions {
  readonly keys?: string;
  readonly quorum?: number;
  readonly json?: boolean;
}

/** Where the keys and the quorum of a verification came from, as printed. */
type KeysSource = 'bundle' | 'keys-file';
type QuorumSource = 'bundle' | 'option' | 'all-members';

interface VerificationInput {
  readonly proof: TxProof;
  readonly members: Members;
  readonly quorum: number | undefined;
  readonly keysSource: KeysSource;
  readonly quorumSource: QuorumSource;
  /** What the printed line says about the quorum's origin. */
  readonly quorumOrigin: string;
}

/**
 * `accord verify-proof <proof.json> [--keys <members.json>] [--quorum N] [--json]`:
 * a proof bundle (GET /v1/txs/:txId/proof-bundle) carries the members' keys
 * and the quorum of the channel policy at its block; a plain proof needs
 * --keys, and its quorum is --quorum or every listed member. Exit 0 valid,
 * 1 invalid, 2 bad input.
 */
export const verifyProofCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('verify-proof')
      .description("verify a tx proof or proof bundle offline with the members' public keys")
      .argument('<proof.json>', 'tx proof file, or proof bundle (keys and quorum included)')
      .option(
        '--keys <members.json>',
        "member id -> {ed25519, x25519?} public keys (required for a plain proof; overrides a bundle's)",
      )
      .option(
        '--quorum <n>',
        "distinct member attestations required (default: the bundle's, else all members)",
        positiveInteger,
      )
      .option('--json', 'print the result as JSON')
      .action((proofPath: string, options: VerifyProofOptions) => {
        const input = verificationInput(proofPath, options, context);
        const result = verifyTxProof(input.proof, input.members, { quorum: input.quorum });
        context.exitCode = result.ok ? EXIT_OK : EXIT_INVALID;
        if (options.json === true) {
          context.io.out(
            JSON.stringify({ ...result, keysSource: input.keysSource, quorumSource: input.quorumSource }, null, 2),
          );
        } else if (result.ok) {
          context.io.out(
            `OK: tx ${result.txId} is in block ${result.height} of channel ${result.channel} (index ${result.index}, validity ${result.validity})`,
          );
          context.io.out(
            `block ${result.blockHash} attested by ${result.attesters.join(', ')} (${result.attesters.length} of quorum ${result.quorum})`,
          );
          context.io.out(`quorum ${result.quorum}: ${input.quorumOrigin}`);
        } else {
          context.io.out(`INVALID (${result.code}): ${result.reason}`);
          context.io.out(`quorum ${input.quorum ?? Object.keys(input.members).length}: ${input.quorumOrigin}`);
        }
      });
  },
};

/** The proof, keys and quorum to verify with: a bundle's own, unless --keys / --quorum override them (with a warning). */
function verificationInput(path: string, options: VerifyProofOptions, context: CliContext): VerificationInput {
  const value = readJsonFile(path, 'proof file');
  const fileKeys =
    options.keys === undefined ? undefined : readValidatedFile(options.keys, 'members file', validateMembers);
  if (!isTxProofBundleShape(value)) {
    const proof = validateAs(value, `proof file ${path}`, validateTxProof);
    if (fileKeys === undefined) {
      throw new CliInputError(
        `${path} is a plain proof: pass the members' keys at its height with --keys <members.json> (GET /v1/channels/<channel>/members/keys?height=<height>), or verify its proof bundle (GET /v1/txs/<txId>/proof-bundle)`,
      );
    }
    const count = Object.keys(fileKeys).length;
    return {
      proof,
      members: fileKeys,
      quorum: options.quorum,
      keysSource: 'keys-file',
      quorumSource: options.quorum === undefined ? 'all-members' : 'option',
      quorumOrigin:
        options.quorum === undefined ? `all ${count} members of ${options.keys ?? ''} (default)` : 'from --quorum',
    };
  }
  const bundle = validateAs(value, `proof bundle ${path}`, validateTxProofBundle);
  if (fileKeys !== undefined)
    context.io.err(`warning: --keys ${options.keys ?? ''} overrides the members' keys of the bundle`);
  if (options.quorum !== undefined && options.quorum !== bundle.quorum)
    context.io.err(`warning: --quorum ${options.quorum} overrides the bundle's quorum ${bundle.quorum}`);
  return {
    proof: bundle.proof,
    members: fileKeys ?? bundle.members,
    quorum: options.quorum ?? bundle.quorum,
    keysSource: fileKeys === undefined ? 'bundle' : 'keys-file',
    quorumSource: options.quorum === undefined ? 'bundle' : 'option',
    quorumOrigin:
      options.quorum === undefined
        ? `from the bundle (the policy of channel ${bundle.channel} at height ${bundle.height})`
        : 'from --quorum (overriding the bundle)',
  };
}

/** Validates a file's parsed content; a validation ProtocolError names the file, as readValidatedFile does. */
function validateAs<T>(value: unknown, what: string, validate: (value: unknown) => T): T {
  try {
    return validate(value);
  } catch (error) {
    if (error instanceof ProtocolError) throw new CliInputError(`${what}: ${error.message}`);
    throw error;
  }
}
