import { LEDGER_CORE_ERROR_CODES } from '@accord/ledger-core';
import { PROTOCOL_ERROR_CODES } from '@accord/protocol';
import { describeErrorStatusTable, libSourceDir } from '@accord/service-kit/testing';
import { ledgerErrorStatus } from './ledger.definition';

describeErrorStatusTable('ledger', ledgerErrorStatus, {
  dirs: [__dirname, ...['service-kit', 'event-bus', 'persistence'].map(libSourceDir)],
  codeLists: { PROTOCOL_ERROR_CODES, LEDGER_CORE_ERROR_CODES },
});
