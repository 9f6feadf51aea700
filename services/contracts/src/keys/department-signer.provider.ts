import { readFile } from 'node:fs/promises';
import { ed25519Signer, type Ed25519Signer } from '@accord/protocol';
import { departmentLayout, ensureDepartmentKeys, loadDepartmentKeys, type DepartmentKeys } from '@accord/service-kit';
import type { ContractsConfig } from '../contracts.config';
import { DepartmentKeysError } from '../contracts.errors';

/** The department's signing identity: signs state attestations and the txs of the action endpoints. */
export interface DepartmentSigner {
  readonly department: string;
  /** Ed25519 public key (hex), as the channel configuration must list it. */
  readonly ed25519: string;
  readonly signer: Ed25519Signer;
}

export const DEPARTMENT_SIGNER = 'contracts:department-signer';

/**
 * Loads the department keys the way the ledger does: from ACCORD_KEYS_FILE
 * when set (it must exist: a cluster never invents a department identity),
 * else from the embedded layout's file, created on first use as `accord up` does.
 */
export async function loadDepartmentSigner(config: Pick<ContractsConfig, 'keysFile' | 'keysFileExplicit' | 'dataDir' | 'department'>): Promise<DepartmentSigner> {
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
    throw new DepartmentKeysError(`${config.keysFile} holds the keys of department "${keys.department}", not "${config.department}"`);
  }
  const signer = ed25519Signer(keys.ed25519.privateKey);
  if (signer.publicKey !== keys.ed25519.publicKey) {
    throw new DepartmentKeysError(`${config.keysFile}: the Ed25519 public key does not belong to the private key`);
  }
  return { department: keys.department, ed25519: keys.ed25519.publicKey, signer };
}
