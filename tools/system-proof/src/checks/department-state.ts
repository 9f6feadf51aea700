import { createHash } from 'node:crypto';
import type { ServiceName } from '@accord/cli';
import type { SystemDepartment } from '../system-department';

/**
 * What one department's services say about a channel, read over their
 * public APIs: the ledger's head and finality, the contracts service's
 * applied height and state digest, the catalog's directory (the DCAT export,
 * docs/catalog-provenance-export.md) and the gateway's strong-mode records
 * and stored objects. A service that does not answer leaves its part
 * undefined, so a check can say which one is missing.
 */
export interface DepartmentState {
  readonly department: string;
  readonly ledger?: {
    readonly height: number | null;
    readonly blockHash: string | null;
    /** Block time of the head, ms since the epoch. */
    readonly time: number | null;
    readonly finalHeight: number | null;
  };
  readonly contracts?: {
    readonly height: number | null;
    readonly blockHash: string | null;
    readonly digest: string | null;
  };
  readonly catalog?: {
    /** Time of the last block the catalog applied (`dct:modified` of the catalog), ms since the epoch. */
    readonly modified: number | null;
    /** `<owner>/<name>` of every dataset, active and deprecated, sorted. */
    readonly datasets: readonly string[];
    /** sha256 of the datasets' canonical JSON: equal directories, equal digests. */
    readonly digest: string;
  };
  readonly gateway?: {
    readonly records: readonly GatewayRecord[];
    readonly objects: readonly GatewayObject[];
  };
}

export interface GatewayRecord {
  readonly txId: string;
  readonly dataset: string;
  readonly owner: string;
  readonly record: string;
}

export interface GatewayObject {
  readonly objectId: string;
  readonly dataset: string;
  readonly origin: string;
  readonly status: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export async function readDepartmentState(department: SystemDepartment, channel: string): Promise<DepartmentState> {
  const get = (service: ServiceName, path: string) => getJson(department, service, path);
  const [head, contracts, catalog, records, objects] = await Promise.all([
    get('ledger', `/v1/channels/${channel}/head`),
    get('contracts', `/v1/channels/${channel}`),
    get('catalog', `/v1/channels/${channel}/catalog.jsonld?status=all`),
    get('storage-gateway', `/v1/records?channel=${channel}`),
    get('storage-gateway', `/v1/objects?channel=${channel}`),
  ]);
  return {
    department: department.id,
    ...(head ? { ledger: ledgerPart(head) } : {}),
    ...(contracts ? { contracts: contractsPart(contracts) } : {}),
    ...(catalog ? { catalog: catalogPart(catalog) } : {}),
    ...(records && objects ? { gateway: gatewayPart(records, objects) } : {}),
  };
}

type Json = Record<string, unknown>;

async function getJson(department: SystemDepartment, service: ServiceName, path: string): Promise<Json | undefined> {
  const response = await fetch(`${department.urls[service]}${path}`, {
    headers: { authorization: `Bearer ${department.token}` },
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  if (response?.status !== 200) {
    await response?.body?.cancel();
    return undefined;
  }
  return (await response.json()) as Json;
}

const orNull = <T>(value: unknown): T | null => (value === undefined ? null : (value as T | null));

function ledgerPart(head: Json): NonNullable<DepartmentState['ledger']> {
  return {
    height: orNull(head.height),
    blockHash: orNull(head.blockHash),
    time: orNull(head.time),
    finalHeight: orNull(head.finalHeight),
  };
}

function contractsPart(view: Json): NonNullable<DepartmentState['contracts']> {
  return { height: orNull(view.height), blockHash: orNull(view.blockHash), digest: orNull(view.digest) };
}

/**
 * The catalog's own node names this department (`urn:accord:catalog:<department>:…`,
 * its publisher): only the datasets are the shared directory.
 */
function catalogPart(document: Json): NonNullable<DepartmentState['catalog']> {
  const datasets = ((document['dcat:dataset'] ?? []) as Json[])
    .map((d) => ({ id: String(d['dct:identifier']), node: d }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const modified = document['dct:modified'] as { '@value'?: string } | undefined;
  return {
    modified: modified?.['@value'] === undefined ? null : Date.parse(modified['@value']),
    datasets: datasets.map((d) => d.id),
    digest: createHash('sha256')
      .update(canonicalJson(datasets.map((d) => d.node)))
      .digest('hex'),
  };
}

function gatewayPart(records: Json, objects: Json): NonNullable<DepartmentState['gateway']> {
  return {
    records: ((records.records ?? []) as Json[]).map((r) => ({
      txId: String(r.txId),
      dataset: String(r.dataset),
      owner: String(r.owner),
      record: String(r.record),
    })),
    objects: ((objects.objects ?? []) as Json[]).map((o) => ({
      objectId: String(o.objectId),
      dataset: String(o.dataset),
      origin: String(o.origin),
      status: String(o.status),
      sha256: String(o.sha256),
      sizeBytes: Number(o.sizeBytes),
    })),
  };
}

/** JSON with object keys sorted at every level: the same document always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
