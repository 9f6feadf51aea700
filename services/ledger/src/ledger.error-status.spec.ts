import { LEDGER_CORE_ERROR_CODES } from '@accord/ledger-core';
import { PROTOCOL_ERROR_CODES, VALIDITY_CODES } from '@accord/protocol';
import { ERROR_CODE_PATTERN } from '@accord/service-kit';
import { describeErrorStatusTable, libSourceDir } from '@accord/service-kit/testing';
import { ledgerErrorStatus } from './ledger.definition';

describeErrorStatusTable('ledger', ledgerErrorStatus, {
  dirs: [__dirname, ...['service-kit', 'event-bus', 'persistence'].map(libSourceDir)],
  codeLists: { PROTOCOL_ERROR_CODES, LEDGER_CORE_ERROR_CODES },
});

describe('ledger public codes', () => {
  it('validity codes have the one casing of codes', () => {
    expect(VALIDITY_CODES.filter((code) => !ERROR_CODE_PATTERN.test(code))).toEqual([]);
  });
});
