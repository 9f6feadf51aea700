import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliEnv, CliInputError } from '../cli.context';
import { ServiceUrls } from './department.profile';
import { isRecord, serviceUrlsProblem } from './profiles.file';

/** One department of the local network, as `accord up` writes it. */
export interface NetworkDepartment {
  readonly id: string;
  readonly urls: ServiceUrls;
  readonly tokenFile: string;
}

/** `<dataDir>/network.json`: what `accord up` runs (contract A). */
export interface NetworkFile {
  readonly version: 1;
  readonly channel: string;
  readonly consoleUrl?: string;
  readonly departments: readonly NetworkDepartment[];
}

export const DEFAULT_DATA_DIR = '.accord';

/** `--data-dir`, then ACCORD_DATA_DIR, then `.accord`, as an absolute path. */
export function dataDirOf(flag: string | undefined, env: CliEnv): string {
  const dir = flag ?? env['ACCORD_DATA_DIR'];
  return resolve(dir === undefined || dir === '' ? DEFAULT_DATA_DIR : dir);
}

export function networkFilePath(dataDir: string): string {
  return join(dataDir, 'network.json');
}

/** The local network file, or undefined when no network was started in this data dir. */
export function readNetworkFile(dataDir: string): NetworkFile | undefined {
  const path = networkFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliInputError(`cannot read the network file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliInputError(`the network file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const problem = networkProblem(value);
  if (problem !== undefined) {
    throw new CliInputError(`the network file ${path}: ${problem}`, 'restart the network with `accord up`');
  }
  return value as NetworkFile;
}

function networkProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'must be a JSON object';
  if (value['version'] !== 1) return `unsupported version ${JSON.stringify(value['version'])} (expected 1)`;
  if (typeof value['channel'] !== 'string') return 'channel must be a string';
  if (!Array.isArray(value['departments'])) return 'departments must be a list';
  for (const [index, department] of value['departments'].entries()) {
    if (!isRecord(department) || typeof department['id'] !== 'string') return `departments[${index}].id is missing`;
    const urlsProblem = serviceUrlsProblem(department['urls']);
    if (urlsProblem !== undefined) return `departments[${index}]: ${urlsProblem}`;
    if (typeof department['tokenFile'] !== 'string') return `departments[${index}].tokenFile must be a string`;
  }
  return undefined;
}
