import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyEd25519 } from '@accord/protocol';
import { departmentLayout, ensureDepartmentKeys, loadConfig } from '@accord/service-kit';
import { ledgerConfigSchema } from '../ledger.config';
import { loadDepartmentSigner } from './department-signer.provider';

describe('department signer', () => {
  let dir: string;
  const config = (env: Record<string, string> = {}) =>
    loadConfig(ledgerConfigSchema, {
      ACCORD_DEPARTMENT: 'health',
      ACCORD_API_TOKENS: '[]',
      ACCORD_DATA_DIR: dir,
      ...env,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the embedded key file on first use and signs with it', async () => {
    const signer = await loadDepartmentSigner(config());
    const again = await loadDepartmentSigner(config());
    expect(again.ed25519).toBe(signer.ed25519);
    const message = new Uint8Array(32).fill(7);
    expect(verifyEd25519(signer.ed25519, message, signer.signer.sign(message))).toBe(true);
    expect(signer.department).toBe('health');
  });

  it('uses ACCORD_KEYS_FILE as given and refuses a missing, malformed or foreign one', async () => {
    const { keys } = await ensureDepartmentKeys(departmentLayout(dir, 'health'), 'health');
    const file = departmentLayout(dir, 'health').keysFile;
    expect((await loadDepartmentSigner(config({ ACCORD_KEYS_FILE: file }))).ed25519).toBe(keys.ed25519.publicKey);
    await expect(loadDepartmentSigner(config({ ACCORD_KEYS_FILE: join(dir, 'missing.json') }))).rejects.toMatchObject({
      code: 'department_keys_invalid',
    });
    const garbage = join(dir, 'garbage.json');
    await writeFile(garbage, '{not json');
    await expect(loadDepartmentSigner(config({ ACCORD_KEYS_FILE: garbage }))).rejects.toMatchObject({
      code: 'department_keys_invalid',
    });
    await ensureDepartmentKeys(departmentLayout(dir, 'transport'), 'transport');
    await expect(
      loadDepartmentSigner(config({ ACCORD_KEYS_FILE: departmentLayout(dir, 'transport').keysFile })),
    ).rejects.toMatchObject({
      code: 'department_keys_invalid',
      message: expect.stringContaining('"transport"'),
    });
  });
});
