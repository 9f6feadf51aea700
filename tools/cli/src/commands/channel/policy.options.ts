import { Command, InvalidArgumentError } from 'commander';
import { positiveInteger } from '../../cli-files';

/** The policy fields a genesis or a proposal may set (the ledger checks POLICY_BOUNDS). */
export interface PolicyOptions {
  readonly quorum?: 'all' | 'majority' | number;
  readonly maxTxPerBlock?: number;
  readonly maxBlockBytes?: number;
  readonly maxTxBytes?: number;
  readonly batchTimeoutMs?: number;
  readonly votingWindowBlocks?: number;
}

export function addPolicyOptions(command: Command): Command {
  return command
    .option('--quorum <q>', 'finality quorum: all, majority or a number of members', quorum)
    .option('--max-tx-per-block <n>', 'txs per block (1..100000)', positiveInteger)
    .option('--max-block-bytes <n>', 'block size limit in bytes', positiveInteger)
    .option('--max-tx-bytes <n>', 'tx size limit in bytes', positiveInteger)
    .option('--batch-timeout-ms <n>', 'longest wait before a block is cut', positiveInteger)
    .option('--voting-window-blocks <n>', 'blocks a proposal stays open', positiveInteger);
}

/** The policy fields given on the command line, as the API's partial policy. */
export function policyFrom(options: PolicyOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    quorum: options.quorum,
    maxTxPerBlock: options.maxTxPerBlock,
    maxBlockBytes: options.maxBlockBytes,
    maxTxBytes: options.maxTxBytes,
    batchTimeoutMs: options.batchTimeoutMs,
    votingWindowBlocks: options.votingWindowBlocks,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function quorum(value: string): 'all' | 'majority' | number {
  if (value === 'all' || value === 'majority') return value;
  try {
    return positiveInteger(value);
  } catch {
    throw new InvalidArgumentError('expected all, majority or a positive integer.');
  }
}
