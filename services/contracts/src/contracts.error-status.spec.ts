import { LEDGER_CORE_ERROR_CODES } from '@accord/ledger-core';
import { PROTOCOL_ERROR_CODES } from '@accord/protocol';
import { DENIAL_CODES, REJECTION_CODES, RULES_ERROR_CODES } from '@accord/rules';
import { ERROR_CODE_PATTERN } from '@accord/service-kit';
import { describeErrorStatusTable, libSourceDir } from '@accord/service-kit/testing';
import { contractsErrorStatus } from './contracts.definition';

describeErrorStatusTable('contracts', contractsErrorStatus, {
  dirs: [__dirname, ...['service-kit', 'event-bus', 'persistence'].map(libSourceDir)],
  // REJECTION_CODES: an action the rules' dry run rejects is an ActionRejectedError with the receipt's code.
  codeLists: { PROTOCOL_ERROR_CODES, LEDGER_CORE_ERROR_CODES, RULES_ERROR_CODES, REJECTION_CODES },
});

describe('contracts public codes', () => {
  it('denial codes have the one casing of codes', () => {
    expect(DENIAL_CODES.filter((code) => !ERROR_CODE_PATTERN.test(code))).toEqual([]);
  });
});
