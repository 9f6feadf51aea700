import { datasetMetadataSchema, degreeUnits } from './dataset-metadata.schema';
import { datasetRegisterSchema, datasetUpdateSchema } from './rules-tx.schema';
import { parseRuleParams } from '../params/rule-params.schema';

const ningbo = { west: '121.28', south: '29.68', east: '121.92', north: '30.03' };

const issuesOf = (value: unknown) => {
  const result = datasetMetadataSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('DCAT-AP dataset metadata (form only; the rule state keeps none of it)', () => {
  it('accepts a complete description', () => {
    expect(
      issuesOf({
        keywords: ['traffic', '交通'],
        themes: ['TRAN', 'REGI'],
        publisher: 'Ningbo Transport Bureau',
        contactPoint: { name: 'Data desk', email: 'data@transport.example.gov' },
        spatial: ningbo,
        temporal: { start: '2024-01-01', end: '2024-12-31' },
        languages: ['zh', 'en'],
        subjectClass: 'vehicle',
        distributions: [{ format: 'MP4', mediaType: 'video/mp4', byteSize: 5_000_000_000, sha256: 'ab'.repeat(32) }],
      }),
    ).toEqual([]);
  });

  it.each([
    [{ spatial: { ...ningbo, south: '31' } }, 'spatial.south: south must not be above north'],
    [{ spatial: { ...ningbo, west: '181' } }, 'spatial.west: must be between -180 and 180'],
    [{ spatial: { ...ningbo, west: 121.28 } }, 'spatial.west: Invalid input: expected string, received number'],
    [
      { spatial: { ...ningbo, west: '1e2' } },
      'spatial.west: must be decimal degrees as text, at most 7 decimals, e.g. "121.55"',
    ],
    [{ temporal: { start: '2024-02-30' } }, 'temporal.start: must be a real calendar date'],
    [{ temporal: { start: '2025-01-01', end: '2024-01-01' } }, 'temporal.start: start must not be after end'],
    [{ temporal: {} }, 'temporal: must give start, end or both'],
    [{ contactPoint: { name: 'desk' } }, 'contactPoint: must give an email or a phone'],
    [{ themes: ['CARS'] }, expect.stringMatching(/^themes\.0: Invalid option/)],
    [{ languages: ['zho'] }, 'languages.0: must be an ISO 639-1 code such as zh or en'],
    [{ keywords: [' padded'] }, 'keywords.0: must have no surrounding spaces or control characters'],
    [
      { distributions: [{ format: 'csv', mediaType: 'text/csv' }] },
      expect.stringMatching(/^distributions\.0\.format: /),
    ],
    [{ colour: 'blue' }, expect.stringMatching(/Unrecognized key/)],
  ])('refuses %j with a reason naming the field', (metadata, issue) => {
    expect(issuesOf(metadata)).toEqual([issue]);
  });

  it('converts decimal degrees exactly, without float arithmetic', () => {
    expect(degreeUnits('121.28')).toBe(1_212_800_000);
    expect(degreeUnits('-0.0000001')).toBe(-1);
    expect(degreeUnits('-180')).toBe(-1_800_000_000);
  });

  it('is part of the register and update payloads, and a wrong one rejects the payload', () => {
    const register = {
      name: 'traffic',
      title: 'Traffic',
      domain: 'transport',
      dataType: 'video',
      sensitivity: 'internal',
      volumeBytes: 1,
      updateFrequency: 'daily',
      governance: 'light',
      contentHash: 'ab'.repeat(32),
      policy: {},
    };
    expect(datasetRegisterSchema.safeParse({ ...register, metadata: { themes: ['TRAN'] } }).success).toBe(true);
    expect(datasetRegisterSchema.safeParse({ ...register, metadata: { themes: ['CARS'] } }).success).toBe(false);
    expect(
      datasetUpdateSchema.safeParse({
        dataset: 'dept-a/traffic',
        version: 2,
        contentHash: 'cd'.repeat(32),
        metadata: { keywords: ['x'] },
      }).success,
    ).toBe(true);
  });
});

describe('rule parameter authoritativeSources', () => {
  it('is absent by default and names one department per domain when given', () => {
    const defaults = parseRuleParams({});
    expect(defaults.ok && 'authoritativeSources' in defaults.params).toBe(false);
    const given = parseRuleParams({ authoritativeSources: { transport: 'transport-bureau' } });
    expect(given.ok && given.params.authoritativeSources).toEqual({ transport: 'transport-bureau' });
    expect(parseRuleParams({ authoritativeSources: { Transport: 'x' } }).ok).toBe(false);
  });
});
