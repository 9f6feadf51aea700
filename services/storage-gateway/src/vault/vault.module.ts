import { Global, Module } from '@nestjs/common';
import { ObjectVault } from './object-vault';

/** The encrypted object storage every use case reads and writes through. */
@Global()
@Module({ providers: [ObjectVault], exports: [ObjectVault] })
export class VaultModule {}
