// The department tx publisher (docs/tx-publisher.md).
export {
  DepartmentTxPublisher,
  type DepartmentTxPublisherDeps,
  type PublishedTx,
  type TxChannelView,
  type TxToPublish,
} from './department-tx-publisher.service';
export {
  checkTxEnvelope,
  envelopeRejection,
  readStrictJson,
  txStatusUrl,
  type CheckedEnvelope,
} from './tx-envelope.checker';
export { EnvelopeRejectedError, NonceLaneExhaustedError } from './tx-publisher.errors';
export { CreateTxNonce1764300000000, txPublisherMigrations } from './tx-nonce.migration';
export { MAX_NONCE_LANE, NONCE_LANE_SIZE, NONCE_LANES, TxNonceRepository } from './tx-nonce.repository';
export { txPublisherProvider, type TxPublisherProviderOptions } from './tx-publisher.provider';
