import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@accord/service-kit';
import { z } from 'zod';
import { NetworkConfigError } from './network.errors';

/** The network file's format version; a data directory written by another version is refused, never rewritten. */
export const NETWORK_FILE_VERSION = 1;

export const SERVICE_NAMES = ['ledger', 'contracts', 'catalog', 'storage-gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export type ServiceUrls = Readonly<Record<ServiceName, string>>;

const serviceUrlsSchema = z.strictObject({
  ledger: z.url(),
  contracts: z.url(),
  catalog: z.url(),
  'storage-gateway': z.url(),
});

const networkDepartmentSchema = z.strictObject({
  id: z.string(),
  /** Founding member of the network's channel (false: started later, joins by vote). */
  founder: z.boolean(),
  urls: serviceUrlsSchema,
  tokenFile: z.string(),
});

export const networkFileSchema = z.strictObject({
  version: z.literal(NETWORK_FILE_VERSION),
  channel: z.string(),
  mode: z.enum(['embedded', 'cluster']),
  basePort: z.int(),
  consoleUrl: z.url(),
  controlUrl: z.url(),
  departments: z.array(networkDepartmentSchema),
});

export type NetworkFile = z.output<typeof networkFileSchema>;
export type NetworkDepartmentEntry = z.output<typeof networkDepartmentSchema>;

/** `<dataDir>/network.json`: what `accord up` runs, read by the CLI, the demo and the tests. */
export function networkFilePath(dataDir: string): string {
  return join(resolve(dataDir), 'network.json');
}

/** The network file of a data dir, or undefined when there is none; a file of another version is an error. */
export async function readNetworkFile(dataDir: string): Promise<NetworkFile | undefined> {
  const path = networkFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NetworkConfigError(`${path} is not valid JSON; move the data directory away or repair the file`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== NETWORK_FILE_VERSION) {
    throw new NetworkConfigError(
      `${path} was written by an incompatible version of Accord (network file version ${JSON.stringify(version)}, this version reads ${NETWORK_FILE_VERSION}); use another --data-dir, nothing was changed`,
    );
  }
  const parsed = networkFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NetworkConfigError(`${path} is damaged: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

export async function writeNetworkFile(dataDir: string, file: NetworkFile): Promise<void> {
  await writeFileAtomic(networkFilePath(dataDir), `${JSON.stringify(file, null, 2)}\n`, 0o644);
}
