import type { ServiceName, ServiceUrls } from '@accord/cli';

/**
 * A department of a network under test as the system proof drives it: its
 * id, the `dev` API token of its services (every role) and their URLs. Both
 * the in-process local network (`startTestNetwork`) and the process network
 * (one process per service, as deployed) give their departments this shape,
 * so workloads and checks run on either.
 */
export interface SystemDepartment {
  readonly id: string;
  readonly token: string;
  readonly urls: ServiceUrls;
}

export type { ServiceName };
