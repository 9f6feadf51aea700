import { createServer } from 'node:net';
import { ephemeralPortRange } from '@accord/cli';

/** The lowest port a process network takes (above the well-known ports and the usual service defaults). */
const LOWEST_SERVICE_PORT = 10_000;
const ATTEMPTS = 200;

/**
 * A TCP port on 127.0.0.1 that is free now, below the kernel's ephemeral
 * range, and not one of `taken`. A service keeps its port for the network's
 * lifetime, across kill -9 and restarts: inside the ephemeral range one of
 * the many outgoing connections (PostgreSQL pools, Kafka, MinIO, peers)
 * could take it as its local port while the service is down, and the
 * restart would fail with "address already in use".
 */
export async function freeServicePort(taken: ReadonlySet<number>): Promise<number> {
  const { low } = ephemeralPortRange();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST_SERVICE_PORT + Math.floor(Math.random() * (low - LOWEST_SERVICE_PORT));
    if (!taken.has(port) && (await isFree(port))) return port;
  }
  throw new Error(`no free port below the ephemeral range (from ${low}) after ${ATTEMPTS} tries`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
