import { describe, expect, it } from '@jest/globals';
import { readinessView } from './readiness-details';

describe('readinessView (the Health page reads GET /health/ready)', () => {
  it('lists each check and every event consumer with its state, lag and parked count, when not ready too', () => {
    const body = {
      status: 'error',
      details: {
        database: { status: 'up' },
        events: {
          status: 'down',
          message: 'blocks on accord.blocks.alliance: catching-up',
          consumers: [
            { consumer: 'blocks', topic: 'accord.blocks.alliance', state: 'catching-up', lag: 42 },
            { consumer: 'decisions', topic: 'accord.decisions.alliance', state: 'starting', lag: null },
          ],
          parked: [{ consumer: 'blocks', topic: 'accord.blocks.alliance', parked: 2 }],
        },
      },
    };
    const view = readinessView(503, JSON.stringify(body));
    expect(view.checks.map(({ name, up }) => ({ name, up }))).toEqual([
      { name: 'database', up: true },
      { name: 'events', up: false },
    ]);
    expect(view.consumers).toEqual([
      { consumer: 'blocks', topic: 'accord.blocks.alliance', state: 'catching-up', lag: 42, parked: 2 },
      { consumer: 'decisions', topic: 'accord.decisions.alliance', state: 'starting', lag: null, parked: 0 },
    ]);
    expect(view.problem).toBeUndefined();
  });

  it('has no consumers for a service without an events check, and skips entries of another shape', () => {
    expect(
      readinessView(200, JSON.stringify({ status: 'ok', details: { database: { status: 'up' } } })).consumers,
    ).toEqual([]);
    const odd = { details: { events: { status: 'up', consumers: [{ consumer: 'x' }, 'y', null] } } };
    expect(readinessView(200, JSON.stringify(odd)).consumers).toEqual([]);
  });

  it('names the problem of an answer without checks', () => {
    expect(readinessView(0, 'connection refused')).toEqual({
      checks: [],
      consumers: [],
      problem: 'unreachable: connection refused',
    });
    expect(readinessView(502, '<html>bad gateway</html>').problem).toBe('<html>bad gateway</html>');
    expect(readinessView(503, JSON.stringify({ message: 'draining' })).problem).toBe('draining');
  });
});
