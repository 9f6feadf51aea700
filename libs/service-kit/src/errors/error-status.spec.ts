import { collectErrorClassCodes, describeErrorStatusTable, libSourceDir } from '../testing/error-codes.collector';
import { KIT_ERROR_STATUS } from './error-status';

describeErrorStatusTable('service-kit', KIT_ERROR_STATUS, { dirs: [libSourceDir('service-kit')] });

describe('collectErrorClassCodes', () => {
  it('reads the codes of error classes, assigned or typed as literals', () => {
    const codes = collectErrorClassCodes([libSourceDir('service-kit'), libSourceDir('event-bus')]);
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['validation_failed', 'unauthenticated', 'dependency_unavailable', 'EVENT_BUS_CLOSED']),
    );
  });
});
