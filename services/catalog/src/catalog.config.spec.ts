import { readClusterRunbook, runbookDrift } from '@accord/service-kit';
import { catalogConfigSchema } from './catalog.config';

describe('catalog config', () => {
  it('has every variable it reads in docs/runbook-cluster.md, and no other', () => {
    expect(runbookDrift(catalogConfigSchema, readClusterRunbook(), 'catalog')).toEqual({ missing: [], stale: [] });
  });
});
