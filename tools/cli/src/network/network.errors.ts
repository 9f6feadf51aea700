import { AccordError } from '@accord/service-kit';

/** The network's options contradict each other or the data directory (nothing was started or changed). */
export class NetworkConfigError extends AccordError {
  readonly code = 'network_config_invalid';
}

/** A port the network needs is taken by another process. */
export class NetworkPortInUseError extends AccordError {
  readonly code = 'network_port_in_use';
}

/** The network did not come up (a service or the founding channel); whatever started was stopped again. */
export class NetworkStartError extends AccordError {
  readonly code = 'network_start_failed';
}
