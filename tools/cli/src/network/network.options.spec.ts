import { NetworkConfigError } from './network.errors';
import type { NetworkFile } from './network-file';
import { DEFAULT_CHANNEL, DEFAULT_DEPARTMENTS, planNetwork } from './network.options';
import { departmentUrls, highestPort, networkPorts } from './network.ports';

const recorded = (ids: string[], founders = ids.length): NetworkFile => ({
  version: 1,
  channel: 'alliance',
  mode: 'embedded',
  basePort: 7100,
  consoleUrl: 'http://127.0.0.1:7100',
  controlUrl: 'http://127.0.0.1:7101',
  departments: ids.map((id, slot) => ({
    id,
    founder: slot < founders,
    urls: departmentUrls('127.0.0.1', 7100, slot),
    tokenFile: `/data/${id}/secrets/dev-api-token`,
  })),
});

describe('planNetwork', () => {
  it('plans a new network of the default departments, all founders, on the default channel', () => {
    expect(planNetwork({ mode: 'embedded' }, undefined, '/data')).toEqual({
      channel: DEFAULT_CHANNEL,
      mode: 'embedded',
      departments: DEFAULT_DEPARTMENTS.map((id) => ({ id, founder: true })),
    });
  });

  it('plans the requested departments and channel', () => {
    expect(planNetwork({ mode: 'cluster', departments: ['tax', 'police'], channel: 'city' }, undefined, '/d')).toEqual({
      channel: 'city',
      mode: 'cluster',
      departments: [
        { id: 'tax', founder: true },
        { id: 'police', founder: true },
      ],
    });
  });

  it('continues a recorded network with its departments in their slots, founders or not', () => {
    const plan = planNetwork({ mode: 'embedded' }, recorded(['a', 'b', 'c', 'd'], 3), '/d');
    expect(plan.departments).toEqual([
      { id: 'a', founder: true },
      { id: 'b', founder: true },
      { id: 'c', founder: true },
      { id: 'd', founder: false },
    ]);
    // The same departments in another order is the same network.
    expect(
      planNetwork({ mode: 'embedded', departments: ['d', 'c', 'b', 'a'] }, recorded(['a', 'b', 'c', 'd']), '/d'),
    ).toMatchObject({ departments: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }] });
  });

  it.each([
    [{ mode: 'embedded' as const, departments: ['a', 'x'] }, /holds a network of a, b; start it without --departments/],
    [{ mode: 'embedded' as const, channel: 'other' }, /holds a network on channel "alliance", not "other"/],
    [{ mode: 'cluster' as const }, /in embedded mode; it cannot be restarted in cluster mode/],
  ])('refuses options that contradict the recorded network (%o)', (request, message) => {
    expect(() => planNetwork(request, recorded(['a', 'b']), '/d')).toThrow(message);
  });

  it.each([
    [[], /at least one department/],
    [['Health'], /"Health" is not a valid department id/],
    [['a-'], /"a-" is not a valid department id/],
    [['a', 'b', 'a'], /"a" is listed twice/],
    [Array.from({ length: 100 }, (_, i) => `d${i}`), /at most 99 departments/],
  ])('refuses departments %o', (departments, message) => {
    expect(() => planNetwork({ mode: 'embedded', departments }, undefined, '/d')).toThrow(message);
    expect(() => planNetwork({ mode: 'embedded', departments }, undefined, '/d')).toThrow(NetworkConfigError);
  });

  it('refuses a channel name the protocol does not allow', () => {
    expect(() => planNetwork({ mode: 'embedded', channel: 'Bad Channel' }, undefined, '/d')).toThrow(
      /"Bad Channel" is not a valid channel name/,
    );
  });
});

describe('the port plan', () => {
  it('puts the console and the control API first, then ten ports per department slot', () => {
    expect(networkPorts.console(7100)).toBe(7100);
    expect(networkPorts.control(7100)).toBe(7101);
    expect(departmentUrls('127.0.0.1', 7100, 0)).toEqual({
      ledger: 'http://127.0.0.1:7110',
      contracts: 'http://127.0.0.1:7111',
      catalog: 'http://127.0.0.1:7112',
      'storage-gateway': 'http://127.0.0.1:7113',
    });
    expect(departmentUrls('::1', 8000, 2).ledger).toBe('http://[::1]:8030');
    expect(highestPort(7100, 3)).toBe(7133);
  });
});
