import { DATA_PLANE_ERROR_CODES } from '@accord/data-plane';
import { PROTOCOL_ERROR_CODES } from '@accord/protocol';
import { describeErrorStatusTable, libSourceDir } from '@accord/service-kit/testing';
import { storageGatewayErrorStatus } from './storage-gateway.definition';

describeErrorStatusTable('storage-gateway', storageGatewayErrorStatus, {
  dirs: [__dirname, ...['service-kit', 'event-bus', 'persistence', 'object-store'].map(libSourceDir)],
  codeLists: { PROTOCOL_ERROR_CODES, DATA_PLANE_ERROR_CODES },
});
