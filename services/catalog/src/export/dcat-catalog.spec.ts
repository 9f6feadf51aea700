import { closeDatabase, openDatabase } from '@accord/persistence';
import { odrlPolicy } from '@accord/rules/testing';
import { mapErrorToHttp } from '@accord/service-kit';
import * as jsonld from 'jsonld';
import type { DataSource } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { catalogErrorStatus } from '../catalog.definition';
import { catalogMigrations } from '../persistence/migrations/catalog.migrations';
import { CatalogRows } from '../provenance/testing/catalog-rows.fixture';
import { ChannelNotFoundError } from '@accord/service-kit';
import { ExportRepository } from './export.repository';
import { CatalogExportService } from './export.service';

// The export parsed as RDF by the jsonld library, with a document loader that
// refuses any URL (the context must be inline) and in safe mode (a term or IRI
// that would be dropped on the way to RDF is an error, not a silent loss).
const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
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
const iri = (prefixed: string) => {
  const [prefix, local] = prefixed.split(/:(.*)/s) as [keyof typeof NS, string];
  return `${NS[prefix]}${local}`;
};
const EU = 'http://publications.europa.eu/resource/authority';

interface Term {
  readonly termType: string;
  readonly value: string;
  readonly datatype?: { readonly value: string };
  readonly language?: string;
}
interface Quad {
  readonly subject: Term;
  readonly predicate: Term;
  readonly object: Term;
  readonly graph: Term;
}

const refuseRemote = async (url: string): Promise<never> => {
  throw new Error(`the export must not need a remote document, asked for ${url}`);
};

async function toQuads(doc: unknown): Promise<Quad[]> {
  const options = { documentLoader: refuseRemote, safe: true } as unknown as jsonld.Options.ToRdf;
  return (await jsonld.toRDF(doc as jsonld.JsonLdDocument, options)) as unknown as Quad[];
}

class Graph {
  constructor(readonly quads: readonly Quad[]) {}
  objects(subject: string, predicate: string): Term[] {
    return this.quads
      .filter((q) => q.subject.value === subject && q.predicate.value === iri(predicate))
      .map((q) => q.object);
  }
  one(subject: string, predicate: string): Term {
    const found = this.objects(subject, predicate);
    if (found.length !== 1) throw new Error(`${subject} has ${found.length} ${predicate}, expected 1`);
    return found[0]!;
  }
  ofType(type: string): string[] {
    return this.quads
      .filter((q) => q.predicate.value === iri('rdf:type') && q.object.value === iri(type))
      .map((q) => q.subject.value);
  }
  types(subject: string): string[] {
    return this.objects(subject, 'rdf:type').map((t) => t.value);
  }
}

const literal = (value: string, datatype = iri('xsd:string')) =>
  expect.objectContaining({ termType: 'Literal', value, datatype: expect.objectContaining({ value: datatype }) });
const named = (value: string) => expect.objectContaining({ termType: 'NamedNode', value });
const typed = (datatype: string) =>
  expect.objectContaining({ termType: 'Literal', datatype: expect.objectContaining({ value: iri(datatype) }) });

const CHANNEL = 'traffic-ch';
const TITLE = 'Traffic "counts" of 宁波 — ring road\nsecond line';
const DESCRIPTION = 'Counts per lane, "quoted", with a backslash \\ and a tab\t; emoji 🚦, é, 中文.\nLine two.';
const REGISTERED = Date.UTC(2025, 0, 15, 8, 30, 0);
const UPDATED = Date.UTC(2025, 5, 1, 12, 0, 0, 250);

describe('DCAT-AP 3 export', () => {
  let db: DataSource;
  let exports: CatalogExportService;

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' }, { migrations: catalogMigrations });
    exports = new CatalogExportService(new ExportRepository(db), { department: 'dept-a' } as CatalogConfig);
    const rows = new CatalogRows(db);
    await rows.channel(CHANNEL, { blockHeight: 9, blockTime: UPDATED + 5000 });
    await rows.channel('empty-ch', { blockHeight: -1 });
    await rows.authority(CHANNEL, 'traffic', 'dept-a');
    await rows.dataset({
      id: 'dept-a/traffic',
      channel: CHANNEL,
      version: 3,
      title: TITLE,
      description: DESCRIPTION,
      publisher: 'Ningbo Traffic Police "Dept"',
      domain: 'traffic',
      sensitivity: 'personal',
      subjectKey: 'plate-number',
      subjectClass: 'vehicle',
      governance: 'light',
      updateFrequency: 'realtime',
      registeredTime: REGISTERED,
      updatedTime: UPDATED,
      metadata: {
        keywords: ['traffic', 'ring road', '交通'],
        themes: ['TRAN', 'REGI'],
        publisher: 'Ningbo Traffic Police "Dept"',
        contactPoint: { name: 'Data desk, "Traffic"', email: 'data@traffic.example.gov', phone: '+86 574 (8) 123-456' },
        spatial: { west: '121.1', south: '29.7', east: '121.9876543', north: '30.1' },
        temporal: { start: '2024-01-01', end: '2024-12-31' },
        languages: ['zh', 'en', 'xx'],
        distributions: [
          {
            title: 'Counts as CSV',
            format: 'CSV',
            mediaType: 'text/csv',
            byteSize: 9_007_199_254_740_991,
            sha256: 'ef'.repeat(32),
          },
          { format: 'JSON', mediaType: 'application/json' },
        ],
      },
      policy: {
        ...odrlPolicy({
          purposes: ['statistics', 'planning'],
          maxDuration: 'P30D',
          maxAccesses: 10,
          minLevel: 1,
          consent: true,
          compensation: 7,
        }),
        uid: 'urn:accord:policy:dept-a/traffic:3',
        assigner: 'dept-a',
        target: 'dept-a/traffic',
      },
    });
    await rows.dataset({
      id: 'dept-b/parks',
      channel: CHANNEL,
      domain: 'parks',
      updateFrequency: 'once',
      metadata: {},
    });
    await rows.dataset({ id: 'dept-c/old', channel: CHANNEL, status: 'deprecated' });
    await rows.dataset({ id: 'dept-c/elsewhere', channel: 'other-ch' });
  });

  afterAll(async () => {
    await closeDatabase(db);
  });

  it('parses in a mode that fails on anything RDF would drop, and never fetches a context', async () => {
    await expect(toQuads({ '@context': { dct: NS.dct }, '@id': 'urn:x', title: 'dropped' })).rejects.toThrow();
    await expect(toQuads({ '@context': { dct: NS.dct }, '@id': 'relative', 'dct:title': 'x' })).rejects.toThrow();
    await expect(toQuads({ '@context': 'http://www.w3.org/ns/odrl.jsonld', '@id': 'urn:x' })).rejects.toThrow(/remote/);
  });

  it('is a DCAT catalog with an inline context whose every dataset has the mandatory properties', async () => {
    const doc = await exports.catalog(CHANNEL, 'active');
    expect(typeof doc['@context']).toBe('object');
    expect(JSON.stringify(doc['@context'])).not.toMatch(/\.jsonld/);
    const g = new Graph(await toQuads(doc));

    const [catalog, ...moreCatalogs] = g.ofType('dcat:Catalog');
    expect(moreCatalogs).toEqual([]);
    expect(catalog).toBe('urn:accord:catalog:dept-a:traffic-ch');
    expect(g.one(catalog!, 'dct:title')).toEqual(literal('Accord catalog of channel traffic-ch'));
    expect(g.one(catalog!, 'dct:description').value).toContain('traffic-ch');
    const catalogPublisher = g.one(catalog!, 'dct:publisher').value;
    expect(g.types(catalogPublisher)).toEqual([iri('foaf:Agent')]);
    expect(g.one(catalogPublisher, 'foaf:name')).toEqual(literal('dept-a'));
    expect(g.one(catalog!, 'dct:modified')).toEqual(
      literal(new Date(UPDATED + 5000).toISOString(), iri('xsd:dateTime')),
    );

    const datasets = g
      .objects(catalog!, 'dcat:dataset')
      .map((t) => t.value)
      .sort();
    // Active datasets of this channel only.
    expect(datasets).toEqual(['urn:accord:dataset:dept-a/traffic', 'urn:accord:dataset:dept-b/parks']);
    expect(g.ofType('dcat:Dataset').sort()).toEqual(datasets);
    for (const d of datasets) {
      expect(g.one(d, 'dct:title')).toEqual(typed('xsd:string'));
      expect(g.one(d, 'dct:description')).toEqual(typed('xsd:string'));
      expect(g.one(d, 'dct:identifier').value).toBe(d.replace('urn:accord:dataset:', ''));
      const publisher = g.one(d, 'dct:publisher').value;
      expect(g.types(publisher)).toEqual([iri('foaf:Agent')]);
      expect(g.one(publisher, 'foaf:name')).toEqual(typed('xsd:string'));
      expect(g.one(d, 'dct:issued')).toEqual(typed('xsd:dateTime'));
      expect(g.one(d, 'dct:modified')).toEqual(typed('xsd:dateTime'));
      expect(g.one(d, 'dct:accrualPeriodicity').value).toMatch(new RegExp(`^${EU}/frequency/[A-Z_]+$`));
      expect(g.one(d, 'owl:versionInfo')).toEqual(typed('xsd:string'));
      const policy = g.one(d, 'odrl:hasPolicy').value;
      expect(g.types(policy)).toEqual([iri('odrl:Offer')]);
      expect(g.objects(g.one(policy, 'odrl:permission').value, 'odrl:action')).toEqual([named(iri('odrl:use'))]);
      for (const p of ['accord:domain', 'accord:sensitivity', 'accord:governance', 'accord:dataType'])
        expect(g.one(d, p)).toEqual(typed('xsd:string'));
      expect(g.one(d, 'accord:owner').value).toMatch(/^urn:accord:department:dept-[ab]$/);
      expect(g.one(d, 'accord:channel')).toEqual(named('urn:accord:channel:traffic-ch'));
      expect(g.one(d, 'accord:authoritative')).toEqual(typed('xsd:boolean'));
      for (const dist of g.objects(d, 'dcat:distribution').map((t) => t.value)) {
        expect(g.types(dist)).toEqual([iri('dcat:Distribution')]);
        expect(g.one(dist, 'dcat:accessURL').termType).toBe('NamedNode');
        expect(g.one(dist, 'dct:format').value).toMatch(new RegExp(`^${EU}/file-type/[A-Z0-9_-]+$`));
        expect(g.one(dist, 'dcat:mediaType').value).toMatch(
          /^https:\/\/www\.iana\.org\/assignments\/media-types\/[a-z]+\/.+$/,
        );
      }
    }
    expect(g.objects('urn:accord:dataset:dept-b/parks', 'dcat:distribution')).toEqual([]);
    expect(g.one('urn:accord:dataset:dept-b/parks', 'dct:accrualPeriodicity')).toEqual(named(`${EU}/frequency/NEVER`));
    expect(g.one('urn:accord:dataset:dept-b/parks', 'accord:authoritative')).toEqual(
      literal('false', iri('xsd:boolean')),
    );
  });

  it('carries every field of a fully described dataset with the right IRIs and datatypes', async () => {
    const g = new Graph(await toQuads(await exports.catalog(CHANNEL, 'active')));
    const d = 'urn:accord:dataset:dept-a/traffic';
    expect(g.one(d, 'dct:title')).toEqual(literal(TITLE));
    expect(g.one(d, 'dct:description')).toEqual(literal(DESCRIPTION));
    expect(g.one(g.one(d, 'dct:publisher').value, 'foaf:name')).toEqual(literal('Ningbo Traffic Police "Dept"'));
    expect(
      g
        .objects(d, 'dcat:keyword')
        .map((t) => t.value)
        .sort(),
    ).toEqual(['ring road', 'traffic', '交通']);
    expect(
      g
        .objects(d, 'dcat:theme')
        .map((t) => t.value)
        .sort(),
    ).toEqual([`${EU}/data-theme/REGI`, `${EU}/data-theme/TRAN`]);
    expect(
      g
        .objects(d, 'dct:language')
        .map((t) => t.value)
        .sort(),
    ).toEqual(['http://id.loc.gov/vocabulary/iso639-1/xx', `${EU}/language/ENG`, `${EU}/language/ZHO`]);
    expect(g.one(d, 'dct:accrualPeriodicity')).toEqual(named(`${EU}/frequency/UPDATE_CONT`));
    expect(g.one(d, 'dct:issued')).toEqual(literal('2025-01-15T08:30:00.000Z', iri('xsd:dateTime')));
    expect(g.one(d, 'dct:modified')).toEqual(literal('2025-06-01T12:00:00.250Z', iri('xsd:dateTime')));
    expect(g.one(d, 'owl:versionInfo')).toEqual(literal('3'));

    const spatial = g.one(d, 'dct:spatial').value;
    expect(g.types(spatial)).toEqual([iri('dct:Location')]);
    expect(g.one(spatial, 'dcat:bbox')).toEqual(
      literal(
        'POLYGON((121.1 29.7, 121.9876543 29.7, 121.9876543 30.1, 121.1 30.1, 121.1 29.7))',
        iri('gsp:wktLiteral'),
      ),
    );
    const temporal = g.one(d, 'dct:temporal').value;
    expect(g.types(temporal)).toEqual([iri('dct:PeriodOfTime')]);
    expect(g.one(temporal, 'dcat:startDate')).toEqual(literal('2024-01-01', iri('xsd:date')));
    expect(g.one(temporal, 'dcat:endDate')).toEqual(literal('2024-12-31', iri('xsd:date')));
    const contact = g.one(d, 'dcat:contactPoint').value;
    expect(g.types(contact)).toEqual([iri('vcard:Kind')]);
    expect(g.one(contact, 'vcard:fn')).toEqual(literal('Data desk, "Traffic"'));
    expect(g.one(contact, 'vcard:hasEmail')).toEqual(named('mailto:data@traffic.example.gov'));
    expect(g.one(contact, 'vcard:hasTelephone')).toEqual(named('tel:+865748123-456'));

    const dists = g
      .objects(d, 'dcat:distribution')
      .map((t) => t.value)
      .sort();
    expect(dists).toEqual(['urn:accord:distribution:dept-a/traffic:3:0', 'urn:accord:distribution:dept-a/traffic:3:1']);
    const [csv, json] = dists as [string, string];
    expect(g.one(csv, 'dct:title')).toEqual(literal('Counts as CSV'));
    expect(g.one(csv, 'dcat:accessURL')).toEqual(named('urn:accord:gateway:dept-a:dept-a/traffic'));
    expect(g.one(csv, 'dct:format')).toEqual(named(`${EU}/file-type/CSV`));
    expect(g.one(csv, 'dcat:mediaType')).toEqual(named('https://www.iana.org/assignments/media-types/text/csv'));
    expect(g.one(csv, 'dcat:byteSize')).toEqual(literal('9007199254740991', iri('xsd:nonNegativeInteger')));
    const checksum = g.one(csv, 'spdx:checksum').value;
    expect(g.types(checksum)).toEqual([iri('spdx:Checksum')]);
    expect(g.one(checksum, 'spdx:algorithm')).toEqual(named(iri('spdx:checksumAlgorithm_sha256')));
    expect(g.one(checksum, 'spdx:checksumValue')).toEqual(literal('ef'.repeat(32), iri('xsd:hexBinary')));
    expect(g.one(json, 'dct:format')).toEqual(named(`${EU}/file-type/JSON`));
    expect(g.objects(json, 'dcat:byteSize')).toEqual([]);
    expect(g.objects(json, 'spdx:checksum')).toEqual([]);

    expect(g.one(d, 'accord:owner')).toEqual(named('urn:accord:department:dept-a'));
    expect(g.one(d, 'accord:domain')).toEqual(literal('traffic'));
    expect(g.one(d, 'accord:sensitivity')).toEqual(literal('personal'));
    expect(g.one(d, 'accord:subjectKey')).toEqual(literal('plate-number'));
    expect(g.one(d, 'accord:subjectClass')).toEqual(literal('vehicle'));
    expect(g.one(d, 'accord:governance')).toEqual(literal('light'));
    expect(g.one(d, 'accord:authoritative')).toEqual(literal('true', iri('xsd:boolean')));

    const policy = g.one(d, 'odrl:hasPolicy').value;
    expect(policy).toBe('urn:accord:policy:dept-a/traffic:3');
    expect(g.one(policy, 'odrl:assigner')).toEqual(named('urn:accord:department:dept-a'));
    expect(g.one(policy, 'odrl:target')).toEqual(named(d));
    const permission = g.one(policy, 'odrl:permission').value;
    const constraints = g.objects(permission, 'odrl:constraint').map((t) => t.value);
    const byOperand = Object.fromEntries(constraints.map((c) => [g.one(c, 'odrl:leftOperand').value, c]));
    expect(Object.keys(byOperand).sort()).toEqual(
      [iri('odrl:count'), iri('odrl:elapsedTime'), iri('odrl:purpose'), 'urn:accord:odrl:level'].sort(),
    );
    const purpose = byOperand[iri('odrl:purpose')]!;
    expect(g.one(purpose, 'odrl:operator')).toEqual(named(iri('odrl:isAnyOf')));
    expect(
      g
        .objects(purpose, 'odrl:rightOperand')
        .map((t) => t.value)
        .sort(),
    ).toEqual(['planning', 'statistics']);
    expect(g.one(byOperand[iri('odrl:elapsedTime')]!, 'odrl:rightOperand')).toEqual(
      literal('P30D', iri('xsd:duration')),
    );
    expect(g.one(byOperand[iri('odrl:count')]!, 'odrl:rightOperand')).toEqual(literal('10', iri('xsd:integer')));
    expect(g.one(byOperand['urn:accord:odrl:level']!, 'odrl:operator')).toEqual(named(iri('odrl:gteq')));
    const duties = g.objects(permission, 'odrl:duty').map((t) => t.value);
    expect(duties.map((duty) => g.one(duty, 'odrl:action').value).sort()).toEqual([
      iri('odrl:compensate'),
      iri('odrl:obtainConsent'),
    ]);
    const compensate = duties.find((duty) => g.one(duty, 'odrl:action').value === iri('odrl:compensate'))!;
    const pay = g.one(compensate, 'odrl:constraint').value;
    expect(g.one(pay, 'odrl:leftOperand')).toEqual(named(iri('odrl:payAmount')));
    expect(g.one(pay, 'odrl:rightOperand')).toEqual(literal('7', iri('xsd:integer')));
    expect(g.one(pay, 'odrl:unit')).toEqual(named('urn:accord:odrl:points'));
  });

  it('survives N-Quads serialisation with quotes, newlines and non-ASCII intact', async () => {
    const doc = await exports.catalog(CHANNEL, 'active');
    const nquads = (await jsonld.toRDF(
      doc as jsonld.JsonLdDocument,
      {
        format: 'application/n-quads',
        documentLoader: refuseRemote,
      } as unknown as jsonld.Options.ToRdf,
    )) as unknown as string;
    const back = new Graph(
      await jsonld.fromRDF(nquads, { format: 'application/n-quads' }).then((expanded) => toQuads(expanded)),
    );
    expect(back.one('urn:accord:dataset:dept-a/traffic', 'dct:title')).toEqual(literal(TITLE));
    expect(back.one('urn:accord:dataset:dept-a/traffic', 'dct:description')).toEqual(literal(DESCRIPTION));
    expect(back.quads).toHaveLength(new Graph(await toQuads(doc)).quads.length);
  });

  it('includes deprecated datasets with status=all', async () => {
    const g = new Graph(await toQuads(await exports.catalog(CHANNEL, 'all')));
    expect(g.ofType('dcat:Dataset').sort()).toEqual([
      'urn:accord:dataset:dept-a/traffic',
      'urn:accord:dataset:dept-b/parks',
      'urn:accord:dataset:dept-c/old',
    ]);
    expect(g.one('urn:accord:dataset:dept-c/old', 'accord:status')).toEqual(literal('deprecated'));
  });

  it('answers a valid empty catalog for a followed channel without datasets', async () => {
    const doc = await exports.catalog('empty-ch', 'active');
    expect(doc['dcat:dataset']).toEqual([]);
    const g = new Graph(await toQuads(doc));
    expect(g.ofType('dcat:Catalog')).toEqual(['urn:accord:catalog:dept-a:empty-ch']);
    expect(g.ofType('dcat:Dataset')).toEqual([]);
    expect(g.objects('urn:accord:catalog:dept-a:empty-ch', 'dct:modified')).toEqual([]);
    expect(g.one('urn:accord:catalog:dept-a:empty-ch', 'dct:title')).toEqual(
      literal('Accord catalog of channel empty-ch'),
    );
  });

  it('answers 404 channel_not_found for a channel the catalog does not follow, 422 for a corrupt row', async () => {
    const missing = await exports.catalog('nowhere', 'active').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ChannelNotFoundError);
    expect(mapErrorToHttp(missing, catalogErrorStatus)).toMatchObject({
      status: 404,
      body: { error: 'channel_not_found' },
    });

    const rows = new CatalogRows(db);
    await rows.channel('corrupt-ch');
    await rows.dataset({ id: 'dept-z/broken', channel: 'corrupt-ch', metadataText: '{"themes": ["NOPE"]}' });
    const corrupt = await exports.catalog('corrupt-ch', 'active').catch((e: unknown) => e);
    expect(mapErrorToHttp(corrupt, catalogErrorStatus)).toMatchObject({
      status: 422,
      body: { error: 'catalog_row_corrupt', details: { dataset: 'dept-z/broken' } },
    });
  });
});
