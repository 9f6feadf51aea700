import { PROTOCOL_ERROR_CODES } from '@accord/protocol';
import { describeErrorStatusTable, libSourceDir } from '@accord/service-kit/testing';
import { catalogErrorStatus } from './catalog.definition';

describeErrorStatusTable('catalog', catalogErrorStatus, {
  dirs: [__dirname, ...['service-kit', 'event-bus', 'persistence'].map(libSourceDir)],
  codeLists: { PROTOCOL_ERROR_CODES },
});
