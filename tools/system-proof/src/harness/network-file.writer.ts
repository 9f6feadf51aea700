import { writeFileAtomic } from '@accord/service-kit';
import { networkFilePath, type NetworkFile } from '@accord/cli';
import type { SystemDepartment } from '../system-department';

/**
 * The process network has no console and no control API (departments are
 * started and stopped by the test, not by `accord network add`): its file
 * names the discard port for both, where nothing answers.
 */
const NOTHING_ANSWERS = 'http://127.0.0.1:9';

export interface NetworkFileDepartment extends SystemDepartment {
  readonly founder: boolean;
  readonly tokenFile: string;
}

/**
 * `<dataDir>/network.json` in the format `accord up` writes (version 1,
 * cluster mode), so `runCli` commands and the demo find the departments,
 * their URLs and dev tokens exactly as on a local network. `basePort` only
 * describes: the process network's ports are taken one by one from the OS.
 */
export async function writeProcessNetworkFile(
  dataDir: string,
  channel: string,
  departments: readonly NetworkFileDepartment[],
): Promise<void> {
  const file: NetworkFile = {
    version: 1,
    channel,
    mode: 'cluster',
    basePort: Math.min(...departments.map((d) => Number(new URL(d.urls.ledger).port))),
    consoleUrl: NOTHING_ANSWERS,
    controlUrl: NOTHING_ANSWERS,
    departments: departments.map(({ id, founder, urls, tokenFile }) => ({ id, founder, urls, tokenFile })),
  };
  await writeFileAtomic(networkFilePath(dataDir), `${JSON.stringify(file, null, 2)}\n`, 0o644);
}
