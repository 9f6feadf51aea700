import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { commonEnvShape, loadConfig, toCommonConfig, type Env } from './common.config';
import { ConfigError } from './config.errors';
import { COMMON_VARIABLES_HEADING, documentedVariables, readClusterRunbook } from '../harness/env-docs';
import { checkObjectStoreEnv, objectStoreEnvShape, toObjectStoreSpec } from './object-store.config';

const schema = z.object(commonEnvShape({ defaultPort: 7100 })).transform((env) => toCommonConfig('ledger', env));

const HASH = 'a'.repeat(64);
const validEnv: Env = {
  ACCORD_DEPARTMENT: 'health-bureau',
  ACCORD_API_TOKENS: JSON.stringify([{ name: 'alice', sha256: HASH, roles: ['provider'] }]),
};

function problemsOf(env: Env, s: z.ZodType = schema): { variable: string; reason: string }[] {
  try {
    loadConfig(s, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with the common service variables', () => {
  it('applies defaults: localhost, the service port, info logs, PGlite and the embedded log under .accord', () => {
    const config = loadConfig(schema, validEnv);
    expect(config).toEqual({
      service: 'ledger',
      department: 'health-bureau',
      dataDir: resolve('.accord'),
      httpHost: '127.0.0.1',
      httpPort: 7100,
      logLevel: 'info',
      database: { kind: 'pglite', dataDir: resolve('.accord/health-bureau/ledger/db') },
      bus: { kind: 'embedded', dataDir: resolve('.accord/_bus') },
      apiTokens: { kind: 'inline', entries: [{ name: 'alice', sha256: HASH, roles: ['provider'] }] },
    });
  });

  it('parses every supported form of the adapter variables', () => {
    const config = loadConfig(schema, {
      ...validEnv,
      ACCORD_HTTP_HOST: '0.0.0.0',
      ACCORD_HTTP_PORT: '0',
      ACCORD_LOG_LEVEL: 'debug',
      ACCORD_DATABASE: 'postgres://accord:secret@db.internal:5432/accord',
      ACCORD_BUS: 'kafka:k1:9092,k2:9093',
      ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
    });
    expect(config.httpHost).toBe('0.0.0.0');
    expect(config.httpPort).toBe(0);
    expect(config.logLevel).toBe('debug');
    // Each service gets its own schema in a shared PostgreSQL database by default.
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://accord:secret@db.internal:5432/accord',
      schema: 'ledger',
    });
    expect(config.bus).toEqual({ kind: 'kafka', brokers: ['k1:9092', 'k2:9093'] });
    expect(config.otlpEndpoint).toBe('http://otel:4318');
    expect(loadConfig(schema, { ...validEnv, ACCORD_DATABASE: 'pglite:memory' }).database).toEqual({
      kind: 'pglite',
      dataDir: 'memory://',
    });
    expect(
      loadConfig(schema, { ...validEnv, ACCORD_DATABASE: 'pglite:/var/db', ACCORD_BUS: 'embedded:/var/log' }),
    ).toMatchObject({
      database: { kind: 'pglite', dataDir: '/var/db' },
      bus: { kind: 'embedded', dataDir: '/var/log' },
    });
  });

  describe('Kafka TLS and SASL', () => {
    let dir: string;
    let caFile: string;
    const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const kafkaEnv: Env = { ...validEnv, ACCORD_BUS: 'kafka:k1:9093' };
    const sasl: Env = {
      ACCORD_BUS_SASL_MECHANISM: 'scram-sha-512',
      ACCORD_BUS_SASL_USERNAME: 'health',
      ACCORD_BUS_SASL_PASSWORD: 'hunter2',
    };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'accord-kafka-ca-'));
      caFile = join(dir, 'ca.crt');
      await writeFile(caFile, CA);
      await writeFile(join(dir, 'not-pem'), 'hello');
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('adds TLS with the CA file, or with the system CAs, and SCRAM credentials to the Kafka bus', () => {
      expect(loadConfig(schema, { ...kafkaEnv, ACCORD_BUS_TLS_CA_FILE: caFile, ...sasl }).bus).toEqual({
        kind: 'kafka',
        brokers: ['k1:9093'],
        tls: { ca: CA },
        sasl: { mechanism: 'scram-sha-512', username: 'health', password: 'hunter2' },
      });
      expect(loadConfig(schema, { ...kafkaEnv, ACCORD_BUS_TLS: 'true' }).bus).toEqual({
        kind: 'kafka',
        brokers: ['k1:9093'],
        tls: {},
      });
      expect(loadConfig(schema, { ...kafkaEnv, ACCORD_BUS_TLS: 'false' }).bus).toEqual({
        kind: 'kafka',
        brokers: ['k1:9093'],
      });
    });

    it('refuses a CA file that cannot be read or holds no certificate, and a bad mechanism', () => {
      const problems = problemsOf({
        ...kafkaEnv,
        ACCORD_BUS_TLS: 'yes',
        ACCORD_BUS_TLS_CA_FILE: join(dir, 'not-pem'),
        ACCORD_BUS_SASL_MECHANISM: 'gssapi',
      });
      const reasons = Object.fromEntries(problems.map((p) => [p.variable, p.reason]));
      expect(reasons.ACCORD_BUS_TLS).toBe('must be true or false');
      expect(reasons.ACCORD_BUS_TLS_CA_FILE).toMatch(/not-pem: must be a PEM file with at least one CERTIFICATE$/);
      expect(reasons.ACCORD_BUS_SASL_MECHANISM).toBe('must be one of scram-sha-512, scram-sha-256, plain');
      expect(problemsOf({ ...kafkaEnv, ACCORD_BUS_TLS_CA_FILE: join(dir, 'missing') })[0].reason).toMatch(
        /missing: could not be read$/,
      );
    });

    it('refuses SASL variables given in part, a CA file with TLS off, and security without Kafka', () => {
      expect(problemsOf({ ...kafkaEnv, ACCORD_BUS_SASL_USERNAME: 'health' })).toEqual([
        { variable: 'ACCORD_BUS_SASL_MECHANISM', reason: 'is required with ACCORD_BUS_SASL_USERNAME' },
        { variable: 'ACCORD_BUS_SASL_PASSWORD', reason: 'is required with ACCORD_BUS_SASL_USERNAME' },
      ]);
      expect(problemsOf({ ...kafkaEnv, ACCORD_BUS_TLS: 'false', ACCORD_BUS_TLS_CA_FILE: caFile })).toEqual([
        { variable: 'ACCORD_BUS_TLS_CA_FILE', reason: 'is set while ACCORD_BUS_TLS=false' },
      ]);
      const embedded = problemsOf({ ...validEnv, ACCORD_BUS_TLS: 'true', ...sasl });
      expect(embedded.map((p) => p.variable)).toEqual(['ACCORD_BUS_TLS', ...Object.keys(sasl)]);
      expect(embedded[0].reason).toBe('is only used with ACCORD_BUS=kafka:<host:port>,...');
    });
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig(schema, {
      ...validEnv,
      ACCORD_HTTP_PORT: '',
      ACCORD_BUS: '',
      ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT: '',
    });
    expect(config.httpPort).toBe(7100);
    expect(config.bus.kind).toBe('embedded');
    expect(config.otlpEndpoint).toBeUndefined();
  });

  it('lists EVERY bad variable with its reason, not just the first', () => {
    const problems = problemsOf({
      ACCORD_DEPARTMENT: 'Health Bureau',
      ACCORD_HTTP_PORT: '70000',
      ACCORD_LOG_LEVEL: 'loud',
      ACCORD_DATABASE: 'mysql://x',
      ACCORD_BUS: 'rabbit:x',
      ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
    });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'ACCORD_BUS',
      'ACCORD_DATABASE',
      'ACCORD_DEPARTMENT',
      'ACCORD_HTTP_PORT',
      'ACCORD_LOG_LEVEL',
      'ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT',
    ]);
    const reasons = Object.fromEntries(problems.map((p) => [p.variable, p.reason]));
    expect(reasons.ACCORD_HTTP_PORT).toMatch(/TCP port/);
    expect(reasons.ACCORD_LOG_LEVEL).toMatch(/one of fatal, error/);
    expect(reasons.ACCORD_DATABASE).toMatch(/pglite:<dir>, pglite:memory or postgres:/);
    expect(reasons.ACCORD_BUS).toMatch(/embedded:<dir> or kafka:/);
    expect(reasons.ACCORD_DEPARTMENT).toMatch(/department id/);
  });

  it('puts every problem in the error message and never echoes values', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        schema,
        { ACCORD_DATABASE: 'postgres://user:hunter2@', ACCORD_API_TOKENS: 'hunter2' },
        'ledger configuration',
      );
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.code).toBe('config_invalid');
    expect(error?.message).toMatch(/^Invalid ledger configuration \(3 problems\):/);
    expect(error?.message).toContain('ACCORD_DEPARTMENT: is required');
    expect(error?.message).toContain('ACCORD_DATABASE:');
    expect(error?.message).toContain('ACCORD_API_TOKENS: must be a JSON array');
    expect(error?.message).not.toContain('hunter2');
  });

  it.each([
    ['not an array', '{"name":"a"}', /expected array/],
    [
      'a bad hash',
      JSON.stringify([{ name: 'a', sha256: 'abc', roles: ['user'] }]),
      /entry \[0\]\.\[sha256\]: must be the lower-case hex SHA-256/,
    ],
    [
      'an unknown role',
      JSON.stringify([{ name: 'a', sha256: HASH, roles: ['root'] }]),
      /entry \[0\]\.\[roles\]\.\[0\]: must be one of provider, user/,
    ],
    ['no roles', JSON.stringify([{ name: 'a', sha256: HASH, roles: [] }]), /at least one role/],
    [
      'a plaintext token field',
      JSON.stringify([{ name: 'a', sha256: HASH, roles: ['user'], token: 'x' }]),
      /Unrecognized key/,
    ],
    [
      'a duplicate name',
      JSON.stringify([
        { name: 'a', sha256: HASH, roles: ['user'] },
        { name: 'a', sha256: HASH, roles: ['user'] },
      ]),
      /listed twice/,
    ],
  ])('rejects ACCORD_API_TOKENS with %s', (_case, value, reason) => {
    const problems = problemsOf({ ...validEnv, ACCORD_API_TOKENS: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe('ACCORD_API_TOKENS');
    expect(problems[0].reason).toMatch(reason);
  });

  it('accepts an empty token list (only public endpoints are reachable then)', () => {
    expect(loadConfig(schema, { ...validEnv, ACCORD_API_TOKENS: '[]' }).apiTokens).toEqual({
      kind: 'inline',
      entries: [],
    });
  });
});

describe('the token store variables', () => {
  let dir: string;
  let file: string;
  const fileEnv = (path: string): Env => ({ ACCORD_DEPARTMENT: 'health-bureau', ACCORD_API_TOKENS_FILE: path });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-config-tokens-'));
    file = join(dir, 'api-tokens.json');
    await writeFile(file, JSON.stringify([{ name: 'ops', sha256: HASH, roles: ['sysadmin'] }]));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes ACCORD_API_TOKENS_FILE as the token store, resolved to an absolute path', () => {
    expect(loadConfig(schema, fileEnv(file)).apiTokens).toEqual({ kind: 'file', path: file });
  });

  it('needs one of ACCORD_API_TOKENS and ACCORD_API_TOKENS_FILE', () => {
    expect(problemsOf({ ACCORD_DEPARTMENT: 'health-bureau' })).toEqual([
      { variable: 'ACCORD_API_TOKENS_FILE', reason: expect.stringMatching(/exactly one of .* neither is set/) },
    ]);
  });

  it('refuses both variables at once, naming the service', () => {
    const error = (() => {
      try {
        loadConfig(schema, { ...validEnv, ACCORD_API_TOKENS_FILE: file }, 'ledger configuration');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^Invalid ledger configuration \(1 problem\):/);
    expect(error.problems).toEqual([
      { variable: 'ACCORD_API_TOKENS_FILE', reason: expect.stringMatching(/both are set/) },
    ]);
  });

  it('reports a missing token store file as a problem naming the file', () => {
    const missing = join(dir, 'nope.json');
    expect(problemsOf(fileEnv(missing))).toEqual([
      { variable: 'ACCORD_API_TOKENS_FILE', reason: `${missing}: does not exist` },
    ]);
  });

  it('reports an invalid token store file, entry by entry, never echoing its content', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify([{ name: 'ops', sha256: 'hunter2', roles: ['sysadmin'] }]));
    const problems = problemsOf(fileEnv(bad));
    expect(problems).toEqual([
      {
        variable: 'ACCORD_API_TOKENS_FILE',
        reason: `${bad}: entry [0].[sha256]: must be the lower-case hex SHA-256 of the token`,
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('lists a bad token store file together with the other bad variables', () => {
    const problems = problemsOf({ ACCORD_API_TOKENS_FILE: join(dir, 'nope.json'), ACCORD_LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'ACCORD_API_TOKENS_FILE',
      'ACCORD_DEPARTMENT',
      'ACCORD_LOG_LEVEL',
    ]);
  });
});

describe('object store variables', () => {
  const gatewaySchema = z
    .object({ ...commonEnvShape({ defaultPort: 7103 }), ...objectStoreEnvShape() })
    .superRefine(checkObjectStoreEnv)
    .transform((env) => {
      const common = toCommonConfig('storage-gateway', env);
      return { ...common, objectStore: toObjectStoreSpec(env, common) };
    });

  it('defaults to a local directory under the department', () => {
    expect(loadConfig(gatewaySchema, validEnv).objectStore).toEqual({
      kind: 'local',
      rootDir: resolve('.accord/health-bureau/storage-gateway/objects'),
    });
  });

  it('parses MinIO with credentials and a department bucket', () => {
    const config = loadConfig(gatewaySchema, {
      ...validEnv,
      ACCORD_OBJECT_STORE: 'minio:http://127.0.0.1:9000',
      ACCORD_OBJECT_STORE_ACCESS_KEY: 'accord',
      ACCORD_OBJECT_STORE_SECRET_KEY: 'accord-secret',
    });
    expect(config.objectStore).toEqual({
      kind: 'minio',
      endpoint: 'http://127.0.0.1:9000',
      accessKey: 'accord',
      secretKey: 'accord-secret',
      bucket: 'accord-health-bureau',
    });
  });

  it('requires MinIO credentials and reports them together with other problems', () => {
    const problems = problemsOf(
      { ...validEnv, ACCORD_HTTP_PORT: 'x', ACCORD_OBJECT_STORE: 'minio:http://127.0.0.1:9000' },
      gatewaySchema,
    );
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'ACCORD_HTTP_PORT',
      'ACCORD_OBJECT_STORE_ACCESS_KEY',
      'ACCORD_OBJECT_STORE_SECRET_KEY',
    ]);
  });

  it('rejects unknown object store forms', () => {
    expect(problemsOf({ ...validEnv, ACCORD_OBJECT_STORE: 's3://bucket' }, gatewaySchema)).toEqual([
      { variable: 'ACCORD_OBJECT_STORE', reason: 'must be local:<dir> or minio:http(s)://host:port' },
    ]);
  });

  it('are exactly the common variables docs/runbook-cluster.md lists', () => {
    expect(documentedVariables(readClusterRunbook(), COMMON_VARIABLES_HEADING)).toEqual(
      Object.keys(commonEnvShape({ defaultPort: 1 })).sort(),
    );
  });
});
