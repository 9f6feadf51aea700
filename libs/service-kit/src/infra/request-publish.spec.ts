import type { EventBus } from '@accord/event-bus';
import { DependencyUnavailableError } from '../errors/dependency-unavailable.classifier';
import { publishForRequest } from './request-publish';

const busWith = (publish: EventBus['publish']): EventBus => ({ publish }) as unknown as EventBus;

describe('publishForRequest', () => {
  it('fails with dependency_unavailable (bus) when the bus does not acknowledge in time', async () => {
    const hung = busWith(() => new Promise(() => undefined));
    const failure = await publishForRequest(hung, 't', [{ value: new Uint8Array([1]) }], 20).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure).toMatchObject({ code: 'dependency_unavailable', dependency: 'bus' });
  });

  it('returns what the bus returns, and passes its errors through', async () => {
    const ok = busWith(async () => ({ baseOffset: 7, count: 1 }) as never);
    expect(await publishForRequest(ok, 't', [{ value: new Uint8Array([1]) }], 1000)).toEqual({
      baseOffset: 7,
      count: 1,
    });
    const broken = busWith(async () => Promise.reject(new Error('no such topic')));
    await expect(publishForRequest(broken, 't', [{ value: new Uint8Array([1]) }], 1000)).rejects.toThrow(
      'no such topic',
    );
  });
});
