import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { isRecord } from '../../api/profiles.file';
import { CliInputError } from '../../cli.context';
import { collect, nonNegativeInteger, readJsonFile } from '../../cli-files';

/** Dataset fields that register and update share, from flags. */
export interface DatasetFieldOptions {
  readonly file?: string;
  readonly title?: string;
  readonly description?: string;
  readonly volumeBytes?: number;
  readonly updateFrequency?: string;
  readonly contentHash?: string;
  readonly contentFile?: string;
  readonly policy?: string;
  readonly keyword?: readonly string[];
  readonly theme?: readonly string[];
}

/** The options of register and update; `--file` gives a JSON body the flags override. */
export function addDatasetFieldOptions(command: Command): Command {
  return command
    .option(
      '--file <dataset.json>',
      'the body as JSON (the payload fields, docs/catalog-actions.md); flags override it',
    )
    .option('--title <text>', 'title (≤ 200 characters)')
    .option('--description <text>', 'description (≤ 2000 characters)')
    .option('--volume-bytes <n>', 'size of the data in bytes', nonNegativeInteger)
    .option('--update-frequency <f>', 'e.g. daily, weekly, monthly, irregular')
    .option('--content-hash <sha256>', 'SHA-256 of the content (64 hex)')
    .option('--content-file <file>', 'compute --content-hash (and --volume-bytes) from this file')
    .option('--policy <odrl.json>', 'the ODRL access policy, as a file or inline JSON')
    .option('--keyword <word>', 'DCAT-AP keyword; repeatable', collect)
    .option(
      '--theme <code>',
      'DCAT-AP theme (AGRI ECON EDUC ENER ENVI GOVE HEAL INTR JUST REGI SOCI TECH TRAN); repeatable',
      collect,
    );
}

/** The body from --file with the flags given laid over it; undefined flags leave the file's fields. */
export function datasetBody(options: DatasetFieldOptions, flags: Record<string, unknown>): Record<string, unknown> {
  const base = options.file === undefined ? {} : readJsonFile(options.file, 'dataset file');
  if (!isRecord(base)) throw new CliInputError(`dataset file ${options.file}: must be a JSON object`);
  const content = options.contentFile === undefined ? undefined : contentOf(options.contentFile);
  const metadata = isRecord(base['metadata']) ? { ...base['metadata'] } : {};
  if (options.keyword !== undefined) metadata['keywords'] = options.keyword;
  if (options.theme !== undefined) metadata['themes'] = options.theme;
  const fields: Record<string, unknown> = {
    ...flags,
    title: options.title,
    description: options.description,
    volumeBytes: options.volumeBytes ?? content?.bytes,
    updateFrequency: options.updateFrequency,
    contentHash: options.contentHash ?? content?.sha256,
    policy: options.policy === undefined ? undefined : policyOf(options.policy),
    metadata: Object.keys(metadata).length === 0 ? undefined : metadata,
  };
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { ...base, ...given };
}

function contentOf(path: string): { sha256: string; bytes: number } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliInputError(`cannot read --content-file ${path}: ${(error as Error).message}`);
  }
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/** --policy: inline JSON when it starts with `{`, else a file. */
function policyOf(value: string): unknown {
  if (value.trimStart().startsWith('{')) {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      throw new CliInputError(`--policy is not valid JSON: ${(error as Error).message}`);
    }
  }
  return readJsonFile(value, 'policy file');
}

/** `owner/name`, or `name` alone for this department's own dataset. */
export function datasetId(id: string, department: string): { owner: string; name: string } {
  const parts = id.split('/');
  if (parts.length === 1 && parts[0] !== '') return { owner: department, name: parts[0] };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return { owner: parts[0], name: parts[1] };
  throw new CliInputError(`dataset ${JSON.stringify(id)} must be <owner>/<name> (or <name> for one of yours)`);
}

export function datasetPath(id: { owner: string; name: string }, rest = ''): string {
  return `/v1/datasets/${encodeURIComponent(id.owner)}/${encodeURIComponent(id.name)}${rest}`;
}
