import { resolve } from 'node:path';
import { CliEnv, CliInputError } from '../cli.context';
import { NetworkFileError, readNetworkFile as readNetworkFileOf, type NetworkFile } from '../network/network-file';

export { networkFilePath, type NetworkFile, type NetworkDepartmentEntry } from '../network/network-file';

export const DEFAULT_DATA_DIR = '.accord';

/** `--data-dir`, then ACCORD_DATA_DIR, then `.accord`, as an absolute path. */
export function dataDirOf(flag: string | undefined, env: CliEnv): string {
  const dir = flag ?? env['ACCORD_DATA_DIR'];
  return resolve(dir === undefined || dir === '' ? DEFAULT_DATA_DIR : dir);
}

/** The local network file, or undefined when no network was started in this data dir. */
export function readNetworkFile(dataDir: string): NetworkFile | undefined {
  try {
    return readNetworkFileOf(dataDir);
  } catch (error) {
    if (error instanceof NetworkFileError)
      throw new CliInputError(error.message, 'restart the network with `accord up`');
    throw error;
  }
}
