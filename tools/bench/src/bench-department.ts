/**
 * A department for the benchmarks: fresh Ed25519/X25519 keys and a dev API
 * token (every role) in its own layout under a temp dir, as `accord up`
 * makes them.
 */
import { departmentLayout, ensureDepartmentKeys, ensureDevApiToken, type DepartmentKeys } from '@accord/service-kit';

export interface BenchDepartment {
  readonly id: string;
  readonly keys: DepartmentKeys;
  readonly keysFile: string;
  /** Its dev API token (every role) and the ACCORD_API_TOKENS value that admits it. */
  readonly token: string;
  readonly apiTokens: string;
}

export async function makeDepartment(dir: string, id: string): Promise<BenchDepartment> {
  const layout = departmentLayout(dir, id);
  const { keys } = await ensureDepartmentKeys(layout, id);
  const token = await ensureDevApiToken(layout);
  if (token.createdToken === undefined) throw new Error(`${layout.devTokenFile} existed already`);
  return { id, keys, keysFile: layout.keysFile, token: token.createdToken, apiTokens: JSON.stringify(token.entries) };
}
