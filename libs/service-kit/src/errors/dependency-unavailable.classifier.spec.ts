import type { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { ServiceLogger } from '../logging/service-logger';
import { classifyUnavailable, dependencyPorts, DependencyUnavailableError } from './dependency-unavailable.classifier';
import { HttpExceptionFilter } from './http-exception.filter';

const sysError = (code: string, port?: number): Error =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:${port ?? 0}`), { code, errno: -1, syscall: 'connect', port });
const pgError = (code: string, message: string): Error =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('classifyUnavailable', () => {
  const ports = dependencyPorts({
    database: { kind: 'postgres', url: 'postgres://u:p@db.example:6543/accord' },
    bus: { kind: 'kafka', brokers: ['k1:9092', 'k2:19092'] },
  });

  it.each([
    [
      'a PostgreSQL admin shutdown (57P01)',
      pgError('57P01', 'terminating connection due to administrator command'),
      'database',
    ],
    [
      'the same wrapped by TypeORM',
      new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection')),
      'database',
    ],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up'), 'database'],
    ['a connection exception (08006)', pgError('08006', 'connection failure'), 'database'],
    ['a lost client connection', new Error('Connection terminated unexpectedly'), 'database'],
    ['a pool timeout', new Error('timeout exceeded when trying to connect'), 'database'],
    ['a refused connection to the database port', sysError('ECONNREFUSED', 6543), 'database'],
    ['a reset connection to a broker', sysError('ECONNRESET', 19092), 'bus'],
    ['a refused connection elsewhere', sysError('ECONNREFUSED', 80), 'network'],
    ['the persistence lib', Object.assign(new Error('down'), { code: 'persistence_unavailable' }), 'database'],
    ['the event bus', Object.assign(new Error('kafka publish failed'), { code: 'event_bus_unavailable' }), 'bus'],
    [
      'a cause of a cause',
      new Error('outer', { cause: new Error('mid', { cause: sysError('ECONNREFUSED', 6543) }) }),
      'database',
    ],
  ])('names %s', (_, error, dependency) => {
    expect(classifyUnavailable(error, ports)).toMatchObject({ code: 'dependency_unavailable', dependency });
  });

  it('names the embedded log on a full or read-only disk: the bus, reason log_unwritable', () => {
    const full = Object.assign(new Error('its disk is full (ENOSPC)'), { code: 'event_bus_log_write_failed' });
    expect(classifyUnavailable(full, ports)).toMatchObject({
      code: 'dependency_unavailable',
      dependency: 'bus',
      details: { dependency: 'bus', reason: 'log_unwritable' },
    });
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', pgError('42601', 'syntax error at or near "x"')],
    ['a domain error', Object.assign(new Error('no such dataset'), { code: 'dataset_not_found' })],
    ['a bug', new TypeError('x is undefined')],
    ['not an error', 'a string'],
  ])('leaves %s alone', (_, error) => {
    expect(classifyUnavailable(error, ports)).toBeUndefined();
  });
});

describe('HttpExceptionFilter and unavailable dependencies', () => {
  function answer(exception: unknown): { status: number; headers: Record<string, string>; body: unknown } {
    const headers: Record<string, string> = {};
    let body = '';
    const res = {
      headersSent: false,
      statusCode: 200,
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
      end: (text: string) => (body = text),
    };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => ({ method: 'POST', url: '/x', headers: {} }), getResponse: () => res }),
    } as unknown as ArgumentsHost;
    const quiet = { pino: { warn: () => undefined, error: () => undefined } } as unknown as ServiceLogger;
    new HttpExceptionFilter(quiet).catch(exception, host);
    return { status: res.statusCode, headers, body: JSON.parse(body) };
  }

  it('answers a lost database connection with 503 dependency_unavailable, naming it, and Retry-After', () => {
    const res = answer(pgError('57P01', 'terminating connection due to administrator command'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ error: 'dependency_unavailable', details: { dependency: 'database' } });
  });

  it('answers an event bus outage with 503 and Retry-After, and leaves other errors as they were', () => {
    const bus = answer(Object.assign(new Error('kafka publish failed'), { code: 'event_bus_unavailable' }));
    expect(bus).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
      body: { details: { dependency: 'bus' } },
    });
    expect(answer(new DependencyUnavailableError('database', 'x', 30)).headers['retry-after']).toBe('30');
    const bug = answer(new TypeError('x is undefined'));
    expect(bug.status).toBe(500);
    expect(bug.headers['retry-after']).toBeUndefined();
  });
});
