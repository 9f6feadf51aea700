import fc from 'fast-check';
import { contentRange, requestedRange } from './byte-range';

describe('requestedRange', () => {
  it('reads the three forms of a single range and clamps the end', () => {
    expect(requestedRange(undefined, 100)).toBeUndefined();
    expect(requestedRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(requestedRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(requestedRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(requestedRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 });
    expect(contentRange({ start: 50, end: 99 }, 100)).toBe('bytes 50-99/100');
  });

  it.each(['bytes=100-', 'bytes=10-5', 'bytes=-0', 'bytes=-', 'items=0-1', 'bytes=0-1,5-6', 'bytes=a-b'])(
    'refuses %s with 416 range_not_satisfiable',
    (header) => {
      expect(() => requestedRange(header, 100)).toThrow(expect.objectContaining({ code: 'range_not_satisfiable' }));
    },
  );

  it('refuses every range of an empty object', () => {
    expect(() => requestedRange('bytes=0-0', 0)).toThrow(expect.objectContaining({ code: 'range_not_satisfiable' }));
    expect(() => requestedRange('bytes=-1', 0)).toThrow(expect.objectContaining({ code: 'range_not_satisfiable' }));
  });

  it('always answers a range inside the object', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(20_000), fc.nat(20_000), (size, a, b) => {
        try {
          const range = requestedRange(`bytes=${a}-${b}`, size);
          expect(range).toBeDefined();
          expect(range!.start).toBe(a);
          expect(range!.end).toBeLessThan(size);
          expect(range!.start).toBeLessThanOrEqual(range!.end);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('range_not_satisfiable');
          expect(a >= size || b < a).toBe(true);
        }
      }),
    );
  });
});
