import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ed25519Signer, type Ed25519Signer } from '@accord/protocol';
import { AccordError } from '../errors/accord.errors';
import { departmentLayout, ensureDepartmentKeys, loadDepartmentKeys, type DepartmentKeys } from './department-files';

/** A department's signing identity: what its services sign attestations and txs with. */
export interface DepartmentSigner {
  readonly department: string;
  /** Ed25519 public key (hex), as the channel configuration must list it. */
  readonly ed25519: string;
  /** X25519 public key (hex) for key wrapping. */
  readonly x25519: string;
  readonly signer: Ed25519Signer;
}

/** ACCORD_KEYS_FILE is missing, unreadable or not this department's. */
export class DepartmentKeysError extends AccordError {
  readonly code = 'department_keys_invalid';
}

/** The parts of a service's config that say where its department keys live. */
export interface DepartmentKeysConfig {
  readonly department: string;
  readonly dataDir: string;
  readonly keysFile: string;
  /** ACCORD_KEYS_FILE was set: the file must exist (a cluster never invents a department identity). */
  readonly keysFileExplicit: boolean;
}

/**
 * Where a service finds the department key file: ACCORD_KEYS_FILE when set
 * (resolved against the working directory; it must then exist), else the
 * embedded layout's file under the data directory, created on first use.
 */
export function departmentKeysFile(
  common: { readonly dataDir: string; readonly department: string },
  explicit: string | undefined,
): Pick<DepartmentKeysConfig, 'keysFile' | 'keysFileExplicit'> {
  return explicit === undefined
    ? { keysFile: departmentLayout(common.dataDir, common.department).keysFile, keysFileExplicit: false }
    : { keysFile: resolve(explicit), keysFileExplicit: true };
}

/**
 * Loads the department keys: from ACCORD_KEYS_FILE when set, else from the
 * embedded layout's file, created on first use as `accord up` does.
 */
export async function loadDepartmentSigner(config: DepartmentKeysConfig): Promise<DepartmentSigner> {
  return departmentSignerOf(await loadDepartmentKeyPairs(config), config.keysFile);
}

/** The signer of loaded department keys; `source` names the key file in the error when its halves do not match. */
export function departmentSignerOf(keys: DepartmentKeys, source: string): DepartmentSigner {
  const signer = ed25519Signer(keys.ed25519.privateKey);
  if (signer.publicKey !== keys.ed25519.publicKey) {
    throw new DepartmentKeysError(`${source}: the Ed25519 public key does not belong to the private key`);
  }
  return { department: keys.department, ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey, signer };
}

/**
 * Both key pairs of the department, private halves included: for the one
 * service that also unwraps data keys with the X25519 key (the storage
 * gateway). Same sources and checks as loadDepartmentSigner.
 */
export async function loadDepartmentKeyPairs(config: DepartmentKeysConfig): Promise<DepartmentKeys> {
  let keys: DepartmentKeys;
  if (config.keysFileExplicit) {
    let text: string;
    try {
      text = await readFile(config.keysFile, 'utf8');
    } catch (error) {
      throw new DepartmentKeysError(`cannot read ACCORD_KEYS_FILE ${config.keysFile}: ${(error as Error).message}`);
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch {
      throw new DepartmentKeysError(`ACCORD_KEYS_FILE ${config.keysFile} is not valid JSON`);
    }
    keys = loadDepartmentKeys(content, config.keysFile);
  } else {
    keys = (await ensureDepartmentKeys(departmentLayout(config.dataDir, config.department), config.department)).keys;
  }
  if (keys.department !== config.department) {
    throw new DepartmentKeysError(
      `${config.keysFile} holds the keys of department "${keys.department}", not "${config.department}"`,
    );
  }
  return keys;
}
