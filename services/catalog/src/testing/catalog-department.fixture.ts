import { waitFor } from '@accord/event-bus/testing';
import {
  startDepartment,
  startDepartmentService,
  type DepartmentOptions,
  type DepartmentUnderTest,
} from '@accord/contracts-service/testing';
import type { Env, ServiceUnderTest } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { catalogService } from '../catalog.definition';

export interface CatalogDepartment extends DepartmentUnderTest {
  readonly catalog: ServiceUnderTest<CatalogConfig>;
  readonly keysFile: string;
}

/** One department's ledger, contracts service and catalog in this process, on one bus; the catalog reads the ledger's API. */
export async function startCatalogDepartment(
  options: DepartmentOptions & { readonly catalogEnv?: Env },
): Promise<CatalogDepartment> {
  const department = await startDepartment(options);
  const keysFile = department.contracts.service.context.config.keysFile;
  const catalog = await startCatalog(department, keysFile, { ...options.env, ...options.catalogEnv });
  return {
    ...department,
    catalog,
    keysFile,
    close: async () => {
      await catalog.close();
      await department.close();
    },
  };
}

/** A catalog of the department on its bus (also: a second one with a fresh database, for rebuilds). */
export function startCatalog(
  department: Pick<DepartmentUnderTest, 'member' | 'ledger' | 'bus'>,
  keysFile: string,
  env: Env = {},
): Promise<ServiceUnderTest<CatalogConfig>> {
  return startDepartmentService(catalogService, department, keysFile, env);
}

/** The catalog's database. */
export function catalogDb(catalog: ServiceUnderTest<CatalogConfig>): DataSource {
  return catalog.service.app.get(DataSource);
}

/** Waits until the catalog applied every decision up to the contracts' head of `channel` and the blocks up to the ledger's. */
export async function catalogCaughtUp(
  catalog: ServiceUnderTest<CatalogConfig>,
  channel: string,
  head: { readonly height: number },
): Promise<void> {
  await waitFor(`the catalog to project ${channel} up to ${head.height}`, async () => {
    const [row] = (await catalogDb(catalog).query(
      'SELECT block_height, decision_height FROM catalog_channel WHERE channel = $1',
      [channel],
    )) as { block_height: string; decision_height: string }[];
    return row !== undefined && Number(row.block_height) >= head.height ? true : undefined;
  });
}

/**
 * Every row of the catalog's projected tables, in key order: two directories
 * are equal when these are. `revision` is left out: a local change counter
 * for the search index, not directory content.
 */
export async function directoryDump(catalog: ServiceUnderTest<CatalogConfig>): Promise<Record<string, unknown[]>> {
  const db = catalogDb(catalog);
  const tables: Record<string, string> = {
    catalog_channel: 'SELECT * FROM catalog_channel ORDER BY channel',
    catalog_authority: 'SELECT * FROM catalog_authority ORDER BY channel, domain',
    catalog_tx: 'SELECT * FROM catalog_tx ORDER BY tx_id',
    catalog_dataset: 'SELECT * FROM catalog_dataset ORDER BY id',
    catalog_dataset_version: 'SELECT * FROM catalog_dataset_version ORDER BY dataset, version',
    catalog_request: 'SELECT * FROM catalog_request ORDER BY id',
    catalog_provenance: 'SELECT * FROM catalog_provenance ORDER BY channel, height, phase, tx_index, seq, dataset',
    catalog_quality_report: 'SELECT * FROM catalog_quality_report ORDER BY id',
  };
  const dump: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(tables))
    dump[table] = ((await db.query(sql)) as Record<string, unknown>[]).map(({ revision: _revision, ...row }) => row);
  return dump;
}
