import { readClusterRunbook, runbookDrift } from '@accord/service-kit';
import { storageGatewayConfigSchema } from './storage-gateway.config';

describe('storage-gateway config', () => {
  it('has every variable it reads in docs/runbook-cluster.md, and no other', () => {
    expect(runbookDrift(storageGatewayConfigSchema, readClusterRunbook(), 'storage-gateway')).toEqual({
      missing: [],
      stale: [],
    });
  });
});
