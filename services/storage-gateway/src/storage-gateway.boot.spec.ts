import { join } from 'node:path';
import { checkErrorResponses, type ErrorCase } from '@accord/service-kit';
import { describeServiceBoot } from '@accord/service-kit/testing';
import { storageGatewayService } from './storage-gateway.definition';

describeServiceBoot(storageGatewayService, {
  info: { service: 'storage-gateway', version: '0.1.0' },
  // Ready once both projection consumers read their topics, a moment after the boot.
  readinessChecks: ['bus', 'database', 'objectStore', 'events'],
  readyWithinMs: 5000,
  openApiTitle: 'Accord storage gateway',
  openApiPaths: ['/v1/uploads', '/v1/uploads/{id}', '/v1/objects', '/v1/objects/{id}', '/v1/objects/{id}/content'],
  more: (sut) => {
    it('keeps objects in a local directory under its data dir by default', () => {
      expect(sut().service.context.config.objectStore).toEqual({
        kind: 'local',
        rootDir: join(sut().dataDir, 'test-dept', 'storage-gateway', 'objects'),
      });
    });

    it('documents exactly the error statuses it answers on the routes checked here', async () => {
      const cases: ErrorCase[] = [
        { method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' },
      ];
      const report = await checkErrorResponses(sut().url, sut().service.openApi, cases);
      // The upload and object routes need a channel and tus headers: upload/*.spec.ts check their answers.
      const ofInfo = (key: string) => key.split(' ')[1] === '/v1/info';
      expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofInfo)]).toEqual([]);
    });
  },
});
