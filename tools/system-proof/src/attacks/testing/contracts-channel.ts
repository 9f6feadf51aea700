import { waitFor } from '@accord/event-bus/testing';
import type { SystemDepartment } from '../../system-department';
import { ATTACK_WAIT_MS, expectCall } from './attack-network';

/** A channel as the contracts service applies it (GET /v1/channels/:channel). */
export interface ContractsChannel {
  readonly height: number;
  readonly digest: string | null;
  readonly halted: { readonly height: number; readonly code: string; readonly message: string } | null;
  readonly counts: { readonly datasets: number; readonly grants: number };
}

export function contractsChannel(department: SystemDepartment, channel: string): Promise<ContractsChannel> {
  return expectCall<ContractsChannel>([200], department, 'contracts', 'GET', `/v1/channels/${channel}`);
}

/** Waits until the department's contracts service has applied block `height`. */
export function contractsApplied(
  department: SystemDepartment,
  channel: string,
  height: number,
): Promise<ContractsChannel> {
  return waitFor(
    `${department.id}'s contracts at height ${height}`,
    async () => {
      const view = await contractsChannel(department, channel);
      return view.height >= height ? view : undefined;
    },
    ATTACK_WAIT_MS,
  );
}
