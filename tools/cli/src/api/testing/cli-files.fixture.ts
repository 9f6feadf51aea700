import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ServiceUrls } from '../department.profile';

/** A temporary directory for a spec's profiles, network and token files. */
export class CliFilesFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'accord-cli-api-'));

  /** Writes `content` (JSON unless a string) under the directory; returns the absolute path. */
  write(name: string, content: unknown): string {
    const path = join(this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  }

  /** A network.json as `accord up` writes it, in `<dir>/<dataDir>/`, with one token file per department. */
  network(
    dataDir: string,
    departments: readonly { id: string; urls: ServiceUrls; token: string }[],
    channel = 'alliance',
  ): string {
    const root = join(this.dir, dataDir);
    const entries = departments.map((d) => ({
      id: d.id,
      founder: true,
      urls: d.urls,
      tokenFile: this.write(join(dataDir, d.id, 'secrets', 'dev-api-token'), `${d.token}\n`),
    }));
    this.write(join(dataDir, 'network.json'), {
      version: 1,
      channel,
      mode: 'embedded',
      basePort: 7100,
      consoleUrl: 'http://127.0.0.1:7100',
      controlUrl: 'http://127.0.0.1:7101',
      departments: entries,
    });
    return root;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The four URLs of a department whose ledger listens on `port` (the others on the next ports). */
export function urlsAt(port: number, host = '127.0.0.1'): ServiceUrls {
  return {
    ledger: `http://${host}:${port}`,
    contracts: `http://${host}:${port + 1}`,
    catalog: `http://${host}:${port + 2}`,
    'storage-gateway': `http://${host}:${port + 3}`,
  };
}
