import { readFileSync } from 'node:fs';
import { CliCommandError, CliInputError, EXIT_UNAVAILABLE } from '../cli.context';
import { networkControlTokenFile, type NetworkFile } from './network-file';

/** How long a control call may take: adding a department starts four services. */
const CONTROL_TIMEOUT_MS = 180_000;

/**
 * One call to a running local network's control API (docs/network.md
 * "Control API") with the token of its data dir. Resolves to the answer,
 * whatever its status (callers say what a refusal means to them); an
 * unreadable token file is bad input, a network that does not answer is
 * exit 7 with the next step.
 */
export async function callNetworkControl(
  dataDir: string,
  file: NetworkFile,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Response> {
  let token: string;
  try {
    token = readFileSync(networkControlTokenFile(dataDir), 'utf8').trim();
  } catch {
    throw new CliInputError(
      `cannot read ${networkControlTokenFile(dataDir)}`,
      'start the network once with `accord up`',
    );
  }
  return fetch(`${file.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
  }).catch((error: unknown) => {
    throw new CliCommandError(
      `the network's control API at ${file.controlUrl} does not answer (${(error as Error).message})`,
      EXIT_UNAVAILABLE,
      'is `accord up` running with this --data-dir?',
    );
  });
}
