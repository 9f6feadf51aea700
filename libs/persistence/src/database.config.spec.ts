import { InvalidDatabaseConfigError } from './persistence.errors';
import { parseDatabaseConfig, redactUrl } from './database.config';

describe('parseDatabaseConfig', () => {
  it('accepts both modes', () => {
    expect(parseDatabaseConfig({ kind: 'pglite', dataDir: 'memory://' })).toEqual({
      kind: 'pglite',
      dataDir: 'memory://',
    });
    expect(
      parseDatabaseConfig({ kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/db', schema: 'dept_a', poolSize: 4 }),
    ).toEqual({ kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/db', schema: 'dept_a', poolSize: 4 });
    expect(parseDatabaseConfig({ kind: 'postgres', url: 'postgresql://h/db' })).toEqual({
      kind: 'postgres',
      url: 'postgresql://h/db',
    });
  });

  it.each([
    [null, /must be an object/],
    ['postgres://h/db', /must be an object/],
    [{ kind: 'sqlite', url: 'x' }, /kind must be "postgres" or "pglite", got "sqlite"/],
    [{ url: 'postgres://h/db' }, /kind must be/],
    [{ kind: 'postgres', url: 'mysql://h/db' }, /url must be a postgres/],
    [{ kind: 'postgres', url: 'not a url' }, /url must be a postgres/],
    [{ kind: 'postgres' }, /url must be a postgres/],
    [{ kind: 'postgres', url: 'postgres://h/db', schema: 'Bad-Name' }, /schema must match/],
    [{ kind: 'postgres', url: 'postgres://h/db', schema: 'x"; DROP TABLE y; --' }, /schema must match/],
    [{ kind: 'postgres', url: 'postgres://h/db', poolSize: 0 }, /poolSize must be a positive integer/],
    [
      { kind: 'postgres', url: 'postgres://h/db', connectTimeoutMs: 1.5 },
      /connectTimeoutMs must be a positive integer/,
    ],
    [{ kind: 'pglite', dataDir: '' }, /dataDir must be/],
    [{ kind: 'pglite', dataDir: 'a\0b' }, /dataDir must be/],
  ])('rejects %j', (input, message) => {
    expect(() => parseDatabaseConfig(input)).toThrow(InvalidDatabaseConfigError);
    expect(() => parseDatabaseConfig(input)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => parseDatabaseConfig({ kind: 'postgres', url: 'x', schema: 'A', poolSize: -1 })).toThrow(
      /url must be .*; schema must match .*; poolSize must be/,
    );
  });

  it('carries a stable code', () => {
    try {
      parseDatabaseConfig({});
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toMatchObject({ code: 'persistence_invalid_config', name: 'InvalidDatabaseConfigError' });
    }
  });
});

describe('redactUrl', () => {
  it('masks the password and nothing else', () => {
    expect(redactUrl('postgres://accord:s3cret@127.0.0.1:15432/accord')).toBe(
      'postgres://accord:***@127.0.0.1:15432/accord',
    );
    expect(redactUrl('postgres://127.0.0.1/accord')).toBe('postgres://127.0.0.1/accord');
    expect(redactUrl('::nonsense')).toBe('<unparseable url>');
  });
});
