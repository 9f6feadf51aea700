import { datasetMetadataSchema } from '@accord/rules';
import type { DcatDatasetSource } from './dcat-catalog.builder';
import { CatalogRowCorruptError } from '../catalog.errors';
import type { DatasetExportRow } from './export.repository';

/**
 * A stored row to the builder's input: metadata and policy are JSON text that
 * registration validated; one that no longer parses means the database was altered.
 */
export function toDcatDatasetSource(row: DatasetExportRow): DcatDatasetSource {
  const { metadata: metadataText, policy: policyText, ...fields } = row;
  const metadata = datasetMetadataSchema.safeParse(parseJson(metadataText, row.id, 'metadata'));
  if (!metadata.success) {
    throw new CatalogRowCorruptError(`the stored metadata of dataset ${row.id} does not validate`, {
      dataset: row.id,
      issues: metadata.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const policy = parseJson(policyText, row.id, 'policy');
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new CatalogRowCorruptError(`the stored policy of dataset ${row.id} is not a JSON object`, {
      dataset: row.id,
    });
  }
  return { ...fields, metadata: metadata.data, policy: policy as Readonly<Record<string, unknown>> };
}

function parseJson(text: string, dataset: string, column: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CatalogRowCorruptError(`the stored ${column} of dataset ${dataset} is not JSON`, { dataset, column });
  }
}
