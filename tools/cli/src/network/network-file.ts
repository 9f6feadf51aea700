import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SERVICE_NAMES, type ServiceName, type ServiceUrls } from '../api/department.profile';

// Light on purpose (zod and node only): every CLI command reads this file, none should load the service kit.

export { SERVICE_NAMES, type ServiceName, type ServiceUrls };

/** The network file's format version; a data directory written by another version is refused, never rewritten. */
export const NETWORK_FILE_VERSION = 1;

const httpUrl = z.url({ protocol: /^https?$/ });

const networkDepartmentSchema = z.strictObject({
  id: z.string(),
  /** Founding member of the network's channel (false: started later, joins by vote). */
  founder: z.boolean(),
  urls: z.strictObject({ ledger: httpUrl, contracts: httpUrl, catalog: httpUrl, 'storage-gateway': httpUrl }),
  tokenFile: z.string(),
});

export const networkFileSchema = z.strictObject({
  version: z.literal(NETWORK_FILE_VERSION),
  channel: z.string(),
  mode: z.enum(['embedded', 'cluster']),
  basePort: z.int(),
  consoleUrl: httpUrl,
  controlUrl: httpUrl,
  departments: z.array(networkDepartmentSchema),
});

export type NetworkFile = z.output<typeof networkFileSchema>;
export type NetworkDepartmentEntry = z.output<typeof networkDepartmentSchema>;

/** network.json cannot be read as this version's network file. */
export class NetworkFileError extends Error {
  override readonly name = 'NetworkFileError';
  readonly code = 'network_file_invalid';
}

/** `<dataDir>/network.json`: what `accord up` runs, read by the CLI, the demo and the tests. */
export function networkFilePath(dataDir: string): string {
  return join(resolve(dataDir), 'network.json');
}

/** `<dataDir>/network-control-token`: the bearer token of the network's control API (0600), created on first start. */
export function networkControlTokenFile(dataDir: string): string {
  return join(resolve(dataDir), 'network-control-token');
}

/** The network file of a data dir, or undefined when there is none; throws NetworkFileError when it is unusable. */
export function readNetworkFile(dataDir: string): NetworkFile | undefined {
  const path = networkFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new NetworkFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NetworkFileError(`${path} is not valid JSON; move the data directory away or repair the file`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== NETWORK_FILE_VERSION) {
    throw new NetworkFileError(
      `${path} was written by an incompatible version of Accord (network file version ${JSON.stringify(version)}, this version reads ${NETWORK_FILE_VERSION}); use another --data-dir, nothing was changed`,
    );
  }
  const parsed = networkFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NetworkFileError(
      `${path} is damaged: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
