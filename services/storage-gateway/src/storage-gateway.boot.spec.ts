import { join } from 'node:path';
import { describeServiceBoot } from '@accord/service-kit/testing';
import { storageGatewayService } from './storage-gateway.definition';

describeServiceBoot(storageGatewayService, {
  info: { service: 'storage-gateway', version: '0.1.0' },
  // Ready once both projection consumers read their topics, a moment after the boot.
  readinessChecks: ['bus', 'database', 'objectStore', 'events'],
  readyWithinMs: 5000,
  openApiTitle: 'Accord storage gateway',
  errorCases: [{ method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' }],
  more: (sut) => {
    it('keeps objects in a local directory under its data dir by default', () => {
      expect(sut().service.context.config.objectStore).toEqual({
        kind: 'local',
        rootDir: join(sut().dataDir, 'test-dept', 'storage-gateway', 'objects'),
      });
    });
  },
});
