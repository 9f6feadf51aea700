import { createHash } from 'node:crypto';
import type { JsonObject } from '@accord/protocol';
import type { SystemDepartment } from '../../system-department';
import { committedTx, expectCall, type CommittedTx } from './attack-network';

/** The ODRL offer "use, for any purpose": requests by members whose level allows it are granted at once. */
export const OPEN_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use' }],
} as const;

/** A small internal dataset's registration payload (what the catalog signs as `dataset.register`). */
export function datasetRegistration(name: string): JsonObject {
  return {
    name,
    title: `Attack target ${name}`,
    description: 'registered by the system proof to be tampered with',
    domain: 'transport',
    dataType: 'tabular',
    sensitivity: 'internal',
    volumeBytes: 1024,
    updateFrequency: 'daily',
    governance: 'light',
    contentHash: createHash('sha256').update(name).digest('hex'),
    policy: OPEN_POLICY,
  };
}

/** Registers a dataset through the department's catalog and waits until its tx is committed valid. */
export async function registerDataset(
  department: SystemDepartment,
  channel: string,
  name: string,
): Promise<CommittedTx> {
  const submitted = await expectCall<{ txId: string }>(
    [202],
    department,
    'catalog',
    'POST',
    `/v1/channels/${channel}/datasets`,
    datasetRegistration(name),
  );
  const committed = await committedTx(department, submitted.txId);
  if (committed.code !== 'valid') throw new Error(`registering ${name} was committed as ${committed.code}`);
  return committed;
}
