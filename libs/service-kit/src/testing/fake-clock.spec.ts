import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('stands still until set or advanced', () => {
    const clock = new FakeClock(1_000);
    expect([clock.now(), clock.now()]).toEqual([1_000, 1_000]);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
    clock.set(500);
    expect(clock.now()).toBe(500);
  });

  it('moves on by its step after every read when given one', () => {
    const clock = new FakeClock(100, { stepMs: 1 });
    expect([clock.now(), clock.now(), clock.now()]).toEqual([100, 101, 102]);
  });
});
