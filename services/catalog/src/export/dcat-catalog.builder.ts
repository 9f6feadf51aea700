import type { DatasetMetadata, Distribution } from '@accord/rules';
import { dataThemeIri, fileTypeIri, frequencyIri, languageIri, mediaTypeIri } from './eu-vocabularies';
import { odrlPolicyNode, type JsonLdNode } from './odrl-policy.jsonld';

/**
 * The export's JSON-LD context, inline: prefixes only, so every key of the
 * document is a compact IRI and every IRI value an explicit `{"@id"}`. A
 * consumer needs no network access to turn the document into RDF.
 */
export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  spdx: 'http://spdx.org/rdf/terms#',
  odrl: 'http://www.w3.org/ns/odrl/2/',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  accord: 'urn:accord:',
} as const;

/** IRIs Accord mints (docs/catalog-provenance-export.md "IRIs"). */
export const accordIri = {
  department: (id: string): string => `urn:accord:department:${id}`,
  dataset: (id: string): string => `urn:accord:dataset:${id}`,
  catalog: (department: string, channel: string): string => `urn:accord:catalog:${department}:${channel}`,
  distribution: (id: string, version: number, index: number): string =>
    `urn:accord:distribution:${id}:${version}:${index}`,
  /** dcat:accessURL: the owner's storage gateway serves the dataset to holders of a grant. */
  gatewayAccess: (owner: string, id: string): string => `urn:accord:gateway:${owner}:${id}`,
  channel: (channel: string): string => `urn:accord:channel:${channel}`,
};

/** One dataset row as the export reads it (catalog_dataset, its metadata and policy parsed). */
export interface DcatDatasetSource {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
  readonly version: number;
  readonly status: string;
  readonly title: string;
  readonly description: string;
  readonly publisher: string;
  readonly domain: string;
  readonly dataType: string;
  readonly sensitivity: string;
  readonly subjectKey: string | null;
  readonly subjectClass: string | null;
  readonly governance: string;
  readonly updateFrequency: string;
  /** Block times (ms) of the registration and of the last update. */
  readonly registeredTime: number;
  readonly updatedTime: number;
  /** This department is the channel's authoritative source of the dataset's domain. */
  readonly authoritative: boolean;
  readonly metadata: DatasetMetadata;
  readonly policy: Readonly<Record<string, unknown>>;
}

export interface DcatCatalogSource {
  /** The department whose catalog this is (the catalog's publisher). */
  readonly department: string;
  readonly channel: string;
  /** Time of the last block the catalog applied (ms), null before any. */
  readonly blockTime: number | null;
  readonly datasets: readonly DcatDatasetSource[];
}

const dateTime = (ms: number) => ({ '@value': new Date(ms).toISOString(), '@type': 'xsd:dateTime' });
const date = (day: string) => ({ '@value': day, '@type': 'xsd:date' });
const iri = (id: string) => ({ '@id': id });

/** The DCAT-AP 3 catalog of one channel as a JSON-LD document with an inline context. Pure. */
export function buildDcatCatalog(source: DcatCatalogSource): JsonLdNode {
  const { department, channel } = source;
  return {
    '@context': DCAT_CONTEXT,
    '@id': accordIri.catalog(department, channel),
    '@type': 'dcat:Catalog',
    'dct:title': `Accord catalog of channel ${channel}`,
    'dct:description': `Datasets registered on the Accord channel ${channel}, as seen by department ${department}, projected from the channel's committed blocks.`,
    'dct:publisher': agent(department, department),
    ...(source.blockTime === null ? {} : { 'dct:modified': dateTime(source.blockTime) }),
    'accord:channel': channel,
    'dcat:dataset': source.datasets.map(dataset),
  };
}

function agent(department: string, name: string): JsonLdNode {
  return { '@id': accordIri.department(department), '@type': 'foaf:Agent', 'foaf:name': name };
}

function dataset(d: DcatDatasetSource): JsonLdNode {
  const m = d.metadata;
  const node: Record<string, unknown> = {
    '@id': accordIri.dataset(d.id),
    '@type': 'dcat:Dataset',
    'dct:identifier': d.id,
    'dct:title': d.title,
    'dct:description': d.description,
    // The publisher's name is the dataset's (metadata.publisher, else the owner); the agent is the owner department.
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': d.publisher, 'dct:identifier': d.owner },
    'dcat:keyword': m.keywords ?? [],
    'dcat:theme': (m.themes ?? []).map((t) => iri(dataThemeIri(t))),
    'dct:accrualPeriodicity': iri(frequencyIri(d.updateFrequency)),
    'dct:language': (m.languages ?? []).map((l) => iri(languageIri(l))),
    'dct:issued': dateTime(d.registeredTime),
    'dct:modified': dateTime(d.updatedTime),
    'owl:versionInfo': String(d.version),
    'dcat:distribution': (m.distributions ?? []).map((x, i) => distribution(d, x, i)),
    'odrl:hasPolicy': odrlPolicyNode(d.policy, { dataset: accordIri.dataset(d.id), department: accordIri.department }),
    'accord:owner': iri(accordIri.department(d.owner)),
    'accord:channel': iri(accordIri.channel(d.channel)),
    'accord:domain': d.domain,
    'accord:dataType': d.dataType,
    'accord:sensitivity': d.sensitivity,
    'accord:governance': d.governance,
    'accord:status': d.status,
    'accord:authoritative': d.authoritative,
  };
  if (d.subjectKey !== null) node['accord:subjectKey'] = d.subjectKey;
  const subjectClass = d.subjectClass ?? m.subjectClass ?? null;
  if (subjectClass !== null) node['accord:subjectClass'] = subjectClass;
  if (m.spatial !== undefined) {
    const { west, south, east, north } = m.spatial;
    node['dct:spatial'] = {
      '@type': 'dct:Location',
      // WGS 84 longitude-latitude (the WKT default CRS84); the strings are the registered decimals, unrounded.
      'dcat:bbox': {
        '@value': `POLYGON((${west} ${south}, ${east} ${south}, ${east} ${north}, ${west} ${north}, ${west} ${south}))`,
        '@type': 'gsp:wktLiteral',
      },
    };
  }
  if (m.temporal !== undefined) {
    node['dct:temporal'] = {
      '@type': 'dct:PeriodOfTime',
      ...(m.temporal.start === undefined ? {} : { 'dcat:startDate': date(m.temporal.start) }),
      ...(m.temporal.end === undefined ? {} : { 'dcat:endDate': date(m.temporal.end) }),
    };
  }
  if (m.contactPoint !== undefined) {
    const c = m.contactPoint;
    node['dcat:contactPoint'] = {
      '@type': 'vcard:Kind',
      'vcard:fn': c.name,
      ...(c.email === undefined ? {} : { 'vcard:hasEmail': iri(`mailto:${c.email}`) }),
      ...(c.phone === undefined ? {} : { 'vcard:hasTelephone': iri(`tel:${c.phone.replace(/[ ()]/g, '')}`) }),
    };
  }
  return node;
}

function distribution(d: DcatDatasetSource, x: Distribution, index: number): JsonLdNode {
  return {
    '@id': accordIri.distribution(d.id, d.version, index),
    '@type': 'dcat:Distribution',
    ...(x.title === undefined ? {} : { 'dct:title': x.title }),
    'dcat:accessURL': iri(accordIri.gatewayAccess(d.owner, d.id)),
    'dct:format': iri(fileTypeIri(x.format)),
    'dcat:mediaType': iri(mediaTypeIri(x.mediaType)),
    ...(x.byteSize === undefined
      ? {}
      : { 'dcat:byteSize': { '@value': String(x.byteSize), '@type': 'xsd:nonNegativeInteger' } }),
    ...(x.sha256 === undefined
      ? {}
      : {
          'spdx:checksum': {
            '@type': 'spdx:Checksum',
            'spdx:algorithm': iri('spdx:checksumAlgorithm_sha256'),
            'spdx:checksumValue': { '@value': x.sha256, '@type': 'xsd:hexBinary' },
          },
        }),
  };
}
