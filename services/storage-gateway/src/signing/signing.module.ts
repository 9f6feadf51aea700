import { Global, Module } from '@nestjs/common';
import { KIND_HEADER, txTopic } from '@accord/events';
import { DepartmentTxPublisher, NONCE_LANES, txPublisherProvider } from '@accord/service-kit';
import { DEPARTMENT_SIGNER } from '../keys/gateway-keys.module';
import { GatewayChannels } from '../projection/gateway-channel.repository';

/**
 * Signing txs as the department (docs/tx-publisher.md): the department tx
 * publisher on the gateway's nonce lane, for anchors, uses, strong-mode
 * records, key shares and erasures.
 */
@Global()
@Module({
  providers: [
    txPublisherProvider({
      signer: DEPARTMENT_SIGNER,
      channels: GatewayChannels,
      lane: NONCE_LANES['storage-gateway'],
      topic: txTopic,
      headers: { [KIND_HEADER]: 'tx' },
    }),
  ],
  exports: [DepartmentTxPublisher],
})
export class GatewaySigningModule {}
