import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkFileError, networkFilePath, readNetworkFile } from './network-file';

describe('readNetworkFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accord-netfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = {
    version: 1,
    channel: 'alliance',
    mode: 'embedded',
    basePort: 7100,
    consoleUrl: 'http://127.0.0.1:7100',
    controlUrl: 'http://127.0.0.1:7101',
    departments: [
      {
        id: 'health',
        founder: true,
        urls: {
          ledger: 'http://127.0.0.1:7110',
          contracts: 'http://127.0.0.1:7111',
          catalog: 'http://127.0.0.1:7112',
          'storage-gateway': 'http://127.0.0.1:7113',
        },
        tokenFile: '/x/health/secrets/dev-api-token',
      },
    ],
  };

  it('is undefined when the data dir has no network', () => {
    expect(readNetworkFile(dir)).toBeUndefined();
  });

  it('reads what accord up writes', () => {
    writeFileSync(networkFilePath(dir), JSON.stringify(file));
    expect(readNetworkFile(dir)).toEqual(file);
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    [
      'another version',
      JSON.stringify({ ...file, version: 2 }),
      /incompatible version of Accord \(network file version 2/,
    ],
    ['no version', JSON.stringify({ channel: 'x' }), /network file version undefined/],
    ['a missing field', JSON.stringify({ ...file, controlUrl: undefined }), /is damaged: controlUrl/],
    [
      'a service URL that is not http',
      JSON.stringify({
        ...file,
        departments: [{ ...file.departments[0], urls: { ...file.departments[0].urls, ledger: 'ftp://x' } }],
      }),
      /is damaged: departments\.0\.urls\.ledger/,
    ],
  ])('refuses %s with a message naming the file', (_case, content, message) => {
    writeFileSync(networkFilePath(dir), content);
    expect(() => readNetworkFile(dir)).toThrow(NetworkFileError);
    expect(() => readNetworkFile(dir)).toThrow(message);
  });
});
