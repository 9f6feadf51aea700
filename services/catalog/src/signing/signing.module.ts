import { Module } from '@nestjs/common';
import { KIND_HEADER, txTopic } from '@accord/events';
import { DepartmentTxPublisher, NONCE_LANES, txPublisherProvider } from '@accord/service-kit';
import { ActionDirectory } from './action-directory.repository';
import { CatalogTxChannels } from './catalog-tx-channels.service';
import { CatalogTxSubmitter } from './catalog-tx.submitter';
import { DEPARTMENT_SIGNER, departmentSignerProvider } from './department-signer.provider';

/**
 * Signing as the department (docs/catalog-actions.md): the department
 * signer, the channels the catalog may sign on, the department tx publisher
 * on the catalog's nonce lane, and the directory reads every action checks.
 */
@Module({
  providers: [
    departmentSignerProvider,
    CatalogTxChannels,
    ActionDirectory,
    CatalogTxSubmitter,
    txPublisherProvider({
      signer: DEPARTMENT_SIGNER,
      channels: CatalogTxChannels,
      lane: NONCE_LANES.catalog,
      topic: txTopic,
      headers: { [KIND_HEADER]: 'tx' },
    }),
  ],
  exports: [CatalogTxChannels, ActionDirectory, CatalogTxSubmitter, DepartmentTxPublisher, DEPARTMENT_SIGNER],
})
export class SigningModule {}
