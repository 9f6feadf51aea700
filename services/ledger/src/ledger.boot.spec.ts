import { describeServiceBoot } from '@accord/service-kit/testing';
import { ledgerService } from './ledger.definition';

describeServiceBoot(ledgerService, {
  info: { service: 'ledger', version: '0.1.0' },
  readinessChecks: ['bus', 'channels', 'database', 'events'],
  openApiTitle: 'Accord ledger',
});
