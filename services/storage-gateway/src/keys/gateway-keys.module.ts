import { Global, Module, type FactoryProvider } from '@nestjs/common';
import {
  loadDepartmentKeyPairs,
  departmentSignerOf,
  SERVICE_CONFIG,
  type DepartmentKeys,
  type DepartmentSigner,
} from '@accord/service-kit';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { KeyEncryptionKey } from './key-encryption-key';

/** Nest token of the department signer (txs and transfer requests are signed with it). */
export const DEPARTMENT_SIGNER = 'storage-gateway:department-signer';
/** Nest token of the department's key pairs (the X25519 private key unwraps shared data keys). */
export const DEPARTMENT_KEYS = 'storage-gateway:department-keys';

// Built from the loaded keys: the key file is read (or, embedded, created) once.
const signerProvider: FactoryProvider<DepartmentSigner> = {
  provide: DEPARTMENT_SIGNER,
  inject: [DEPARTMENT_KEYS, SERVICE_CONFIG],
  useFactory: (keys: DepartmentKeys, config: StorageGatewayConfig) => departmentSignerOf(keys, config.keysFile),
};

const keysProvider: FactoryProvider<Promise<DepartmentKeys>> = {
  provide: DEPARTMENT_KEYS,
  inject: [SERVICE_CONFIG],
  useFactory: (config: StorageGatewayConfig) => loadDepartmentKeyPairs(config),
};

const kekProvider: FactoryProvider<Promise<KeyEncryptionKey>> = {
  provide: KeyEncryptionKey,
  inject: [SERVICE_CONFIG],
  useFactory: (config: StorageGatewayConfig) => KeyEncryptionKey.load(config.kekFile, !config.kekFileExplicit),
};

/** The gateway's keys: department signer and key pairs, and the key-encryption key. Loaded once at start. */
@Global()
@Module({
  providers: [signerProvider, keysProvider, kekProvider],
  exports: [DEPARTMENT_SIGNER, DEPARTMENT_KEYS, KeyEncryptionKey],
})
export class GatewayKeysModule {}
