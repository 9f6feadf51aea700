import { join } from 'node:path';
import { checkErrorResponses } from '@accord/service-kit';
import { describeServiceBoot } from '@accord/service-kit/testing';
import { storageGatewayService } from './storage-gateway.definition';

describeServiceBoot(storageGatewayService, {
  info: { service: 'storage-gateway', version: '0.1.0' },
  // Ready once both projection consumers read their topics, a moment after the boot.
  readinessChecks: ['bus', 'database', 'objectStore', 'events'],
  readyWithinMs: 5000,
  openApiTitle: 'Accord storage gateway',
  more: (sut) => {
    it('documents exactly the error statuses it answers', async () => {
      const report = await checkErrorResponses(sut().url, sut().service.openApi, [
        { method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' },
      ]);
      // The use cases' routes need channels and data: their own specs check them (strong-mode, erasure, ...).
      const ofInfo = (key: string) => key.split(' ')[1] === '/v1/info';
      expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofInfo)]).toEqual([]);
    });

    it('keeps objects in a local directory under its data dir by default', () => {
      expect(sut().service.context.config.objectStore).toEqual({
        kind: 'local',
        rootDir: join(sut().dataDir, 'test-dept', 'storage-gateway', 'objects'),
      });
    });
  },
});
