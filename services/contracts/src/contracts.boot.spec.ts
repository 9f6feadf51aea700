import { describeServiceBoot } from '@accord/service-kit/testing';
import { contractsService } from './contracts.definition';

describeServiceBoot(contractsService, {
  info: { service: 'contracts', version: '0.1.0' },
  // Ready once the rule state is loaded, which may take a moment after the boot.
  readinessChecks: ['bus', 'database', 'events'],
  readyWithinMs: 5000,
  openApiTitle: 'Accord contracts',
  openApiPaths: [
    '/v1/channels',
    '/v1/channels/{channel}/accounts',
    '/v1/channels/{channel}/requests/{id}',
    '/v1/channels/{channel}/evaluate',
    '/v1/channels/{channel}/requests/{id}/consent',
    '/v1/txs/{txId}/receipts',
  ],
});
