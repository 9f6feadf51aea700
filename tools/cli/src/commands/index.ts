import { CliCommand } from '../cli.context';
import { tokenCommand } from './admin/token.command';
import { datasetCommand } from './catalog/dataset.command';
import { searchCommand } from './catalog/search.command';
import { channelCommand } from './channel/channel.command';
import { demoCommand } from './demo.command';
import { fetchCommand } from './data/fetch.command';
import { uploadCommand } from './data/upload.command';
import { keygenCommand } from './keygen.command';
import { ledgerCommand } from './ledger/ledger.command';
import { networkCommand } from './network/network.command';
import { profileCommand } from './profile/profile.command';
import { sharingCommand } from './sharing/sharing.command';
import { statusCommand } from './status/status.command';
import { upCommand } from './up.command';
import { verifyChainCommand } from './verify-chain.command';
import { verifyProofCommand } from './verify-proof.command';

/** Every `accord` sub-command; main.ts registers them in this order. Add a command with one line. */
export const commands: readonly CliCommand[] = [
  verifyProofCommand,
  verifyChainCommand,
  keygenCommand,
  upCommand,
  networkCommand,
  demoCommand,
  profileCommand,
  statusCommand,
  channelCommand,
  datasetCommand,
  searchCommand,
  sharingCommand,
  uploadCommand,
  fetchCommand,
  ledgerCommand,
  tokenCommand,
];
