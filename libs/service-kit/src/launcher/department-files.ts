import { chmod, mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  ed25519KeyPairFromSeed,
  encodeMemberKeyFile,
  generateEd25519KeyPair,
  generateX25519KeyPair,
  isProtocolError,
  parseMemberKeyFile,
  x25519KeyPairFromPrivateKey,
  type Ed25519KeyPair,
  type X25519KeyPair,
} from '@accord/protocol';
import { z } from 'zod';
import { generateApiToken, hashApiToken } from '../auth/api-token.authenticator';
import { formatApiTokenList, parseApiTokenList, type ApiTokenEntry } from '../auth/api-token.model';
import { ROLES } from '../auth/principal.model';
import { AccordError } from '../errors/accord.errors';

/**
 * On-disk layout of one department in embedded mode:
 *
 *   <dataDir>/<department>/
 *     LOCK                       pid of the process running it (one at a time)
 *     keys/department-keys.json  Ed25519 signing + X25519 wrapping key pairs (0600), as `accord keygen` writes them
 *     keys/public-keys.json      the public halves, as on-chain ({ed25519, x25519})
 *     secrets/api-tokens.json    ACCORD_API_TOKENS_FILE, the token store: names, roles, SHA-256 hashes (0600)
 *     secrets/api-tokens.json.log  its change log (tokens made and revoked through the admin API)
 *     secrets/dev-api-token      the dev token itself (0600), printed only when created
 *     secrets/storage-gateway-kek.json  the gateway's key-encryption key (0600)
 *     <service>/db               PGlite data of each service
 *     storage-gateway/objects    local object store
 *   <dataDir>/_bus               the embedded log, shared by every department of the process
 */
export interface DepartmentLayout {
  readonly root: string;
  readonly lockFile: string;
  readonly keysFile: string;
  readonly publicKeysFile: string;
  readonly apiTokensFile: string;
  readonly devTokenFile: string;
  serviceDir(service: string): string;
}

export function departmentLayout(dataDir: string, department: string): DepartmentLayout {
  const root = resolve(dataDir, department);
  return {
    root,
    lockFile: join(root, 'LOCK'),
    keysFile: join(root, 'keys', 'department-keys.json'),
    publicKeysFile: join(root, 'keys', 'public-keys.json'),
    apiTokensFile: join(root, 'secrets', 'api-tokens.json'),
    devTokenFile: join(root, 'secrets', 'dev-api-token'),
    serviceDir: (service) => join(root, service),
  };
}

/** The shared embedded log directory of a data dir. */
export function embeddedBusDir(dataDir: string): string {
  return resolve(dataDir, '_bus');
}

/** A department file is missing pieces or is not what this version wrote. */
export class DepartmentFileError extends AccordError {
  readonly code = 'department_file_invalid';
}

/** Another live process runs this department. */
export class DepartmentLockedError extends AccordError {
  readonly code = 'department_locked';
}

export interface DepartmentKeys {
  readonly department: string;
  readonly ed25519: Ed25519KeyPair;
  readonly x25519: X25519KeyPair;
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const keyPair = z.strictObject({ publicKey: hex32, privateKey: hex32 });
/** The shape earlier versions of the launcher wrote; still read so their data dirs keep working, never written. */
const legacyKeysFileSchema = z.strictObject({
  v: z.literal(1),
  department: z.string(),
  ed25519: keyPair,
  x25519: keyPair,
});

/**
 * The seed form: only the two private keys, as 32 random bytes in hex each
 * (any 32 bytes are a valid Ed25519 seed and X25519 private key); the public
 * halves are derived when it is loaded. It is what a deployment tool that
 * cannot compute Ed25519/X25519 public keys can write, e.g. the Helm chart's
 * generated key Secret (deploy/helm/accord). Read, never written.
 */
const seedKeysFileSchema = z.strictObject({
  v: z.literal(1),
  department: z.string(),
  ed25519Seed: hex32,
  x25519Seed: hex32,
});

/** Loads the department's key pairs, generating and storing them (0600) on first use. */
export async function ensureDepartmentKeys(
  layout: DepartmentLayout,
  department: string,
): Promise<{ keys: DepartmentKeys; created: boolean }> {
  const existing = await readJsonIfExists(layout.keysFile);
  if (existing !== undefined) {
    const keys = loadDepartmentKeys(existing, layout.keysFile);
    if (keys.department !== department) {
      throw new DepartmentFileError(
        `${layout.keysFile} belongs to department "${keys.department}", not "${department}"`,
      );
    }
    return { keys, created: false };
  }
  const keys: DepartmentKeys = { department, ed25519: generateEd25519KeyPair(), x25519: generateX25519KeyPair() };
  await writeFileAtomic(layout.keysFile, `${JSON.stringify(encodeMemberKeyFile(department, keys), null, 2)}\n`, 0o600);
  await writeFileAtomic(
    layout.publicKeysFile,
    `${JSON.stringify({ ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey }, null, 2)}\n`,
    0o644,
  );
  return { keys, created: true };
}

/**
 * Parses a department key file: the format `accord keygen --out` writes
 * (protocol's parseMemberKeyFile), the seed form
 * `{v: 1, department, ed25519Seed, x25519Seed}` (public keys derived), or the
 * launcher's earlier shape `{v: 1, department, ed25519, x25519}`. Throws
 * `department_file_invalid`.
 */
export function loadDepartmentKeys(content: unknown, source: string): DepartmentKeys {
  const seeds = seedKeysFileSchema.safeParse(content);
  if (seeds.success) {
    const { department, ed25519Seed, x25519Seed } = seeds.data;
    return {
      department,
      ed25519: ed25519KeyPairFromSeed(ed25519Seed),
      x25519: x25519KeyPairFromPrivateKey(x25519Seed),
    };
  }
  const legacy = legacyKeysFileSchema.safeParse(content);
  if (legacy.success) {
    const { department, ed25519, x25519 } = legacy.data;
    return { department, ed25519, x25519 };
  }
  try {
    const { id, keys } = parseMemberKeyFile(content);
    return { department: id, ed25519: keys.ed25519, x25519: keys.x25519 };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw new DepartmentFileError(`${source} is not a department key file: ${error.message}`);
  }
}

export interface DevApiToken {
  /** The API token entries (hashes) in the store when the department started. */
  readonly entries: readonly ApiTokenEntry[];
  /** The plaintext token, only when it was created by this call. */
  readonly createdToken?: string;
  readonly tokenFile: string;
}

export const DEV_TOKEN_NAME = 'dev';

/**
 * The department's token store file, with a `dev` token holding every role
 * created on first use: its hash goes to api-tokens.json, the token itself
 * to dev-api-token (both 0600). Tokens added later (admin API or by hand)
 * are kept; the services read the file as ACCORD_API_TOKENS_FILE.
 */
export async function ensureDevApiToken(layout: DepartmentLayout): Promise<DevApiToken> {
  const existing = await readFileIfExists(layout.apiTokensFile);
  if (existing !== undefined) {
    const parsed = parseApiTokenList(existing);
    if (!parsed.ok) throw new DepartmentFileError(`${layout.apiTokensFile}: ${parsed.problems.join('; ')}`);
    return { entries: parsed.entries, tokenFile: layout.devTokenFile };
  }
  const token = generateApiToken();
  const entries: ApiTokenEntry[] = [{ name: DEV_TOKEN_NAME, sha256: hashApiToken(token), roles: [...ROLES] }];
  await writeFileAtomic(layout.devTokenFile, `${token}\n`, 0o600);
  await writeFileAtomic(layout.apiTokensFile, formatApiTokenList(entries), 0o600);
  return { entries, createdToken: token, tokenFile: layout.devTokenFile };
}

/**
 * Takes the department's LOCK file (pid inside), so two processes never open
 * the same PGlite directories (PGlite has no locking of its own). A lock
 * left by a dead process is taken over. Returns the release function.
 */
export async function lockDepartment(layout: DepartmentLayout): Promise<() => Promise<void>> {
  await mkdir(layout.root, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(layout.lockFile, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await unlink(layout.lockFile).catch(() => undefined);
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt((await readFileIfExists(layout.lockFile)) ?? '', 10);
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DepartmentLockedError(`department data ${layout.root} is in use by process ${owner}`, { pid: owner });
    }
    if (owner === process.pid)
      throw new DepartmentLockedError(`department data ${layout.root} is already running in this process`);
    await unlink(layout.lockFile).catch(() => undefined);
  }
  throw new DepartmentLockedError(`could not take ${layout.lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Parses a JSON file; undefined when it does not exist, department_file_invalid when it is not JSON. */
export async function readJsonIfExists(path: string): Promise<unknown> {
  const text = await readFileIfExists(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DepartmentFileError(`${path} is not valid JSON`);
  }
}

/** Writes a secret file (mode given, directory 0700) by write-then-rename, so a crash never leaves it half-written. */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, { mode, flag: 'w' });
  await chmod(temp, mode);
  await rename(temp, path);
}
