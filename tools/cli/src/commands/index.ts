import { CliCommand } from '../cli.context';
import { fetchCommand } from './data/fetch.command';
import { uploadCommand } from './data/upload.command';
import { keygenCommand } from './keygen.command';
import { upCommand } from './up.command';
import { verifyChainCommand } from './verify-chain.command';
import { verifyProofCommand } from './verify-proof.command';

/** Every `accord` sub-command; main.ts registers them in this order. Add a command with one line. */
export const commands: readonly CliCommand[] = [
  verifyProofCommand,
  verifyChainCommand,
  keygenCommand,
  upCommand,
  uploadCommand,
  fetchCommand,
];
