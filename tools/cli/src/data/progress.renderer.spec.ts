import {
  formatBytes,
  formatProgressBar,
  formatProgressLine,
  ProgressRenderer,
  type ProgressMode,
} from './progress.renderer';

const MIB = 1024 * 1024;

/** A renderer on a fake clock, recording what it writes. */
function rendererFor(mode: ProgressMode) {
  let now = 0;
  const writes: string[] = [];
  const lines: string[] = [];
  const renderer = new ProgressRenderer({
    mode,
    sink: { write: (text) => writes.push(text), line: (text) => lines.push(text) },
    now: () => now,
  });
  return { renderer, writes, lines, advance: (ms: number) => (now += ms) };
}

describe('progress formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * MIB, '5.0 MiB'],
    [3 * 1024 * MIB, '3.00 GiB'],
  ])('formats %i bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('shows the share, the counts and the rate of this run only', () => {
    // 10 MiB were done before (resumed); this run did 4 MiB in 2 s.
    const line = formatProgressLine({
      label: 'upload',
      doneBytes: 14 * MIB,
      totalBytes: 28 * MIB,
      runBytes: 4 * MIB,
      elapsedMs: 2000,
    });
    expect(line).toBe('upload  50.0%  14.0 MiB / 28.0 MiB  2.0 MiB/s');
  });

  it('leaves the rate out until some time has passed', () => {
    expect(formatProgressLine({ label: 'x', doneBytes: 0, totalBytes: 10, runBytes: 0, elapsedMs: 0 })).toBe(
      'x  0.0%  0 B / 10 B',
    );
  });

  it('draws a bar of fixed width', () => {
    const snapshot = { label: 'x', totalBytes: 100, runBytes: 0, elapsedMs: 0 };
    expect(formatProgressBar({ ...snapshot, doneBytes: 0 })).toMatch(/^\[\.{24}\] /);
    expect(formatProgressBar({ ...snapshot, doneBytes: 50 })).toMatch(/^\[#{12}\.{12}\] /);
    expect(formatProgressBar({ ...snapshot, doneBytes: 100 })).toMatch(/^\[#{24}\] /);
  });
});

describe('ProgressRenderer', () => {
  it('in lines mode prints the start, at most one line per interval, and the end', () => {
    const { renderer, lines, writes, advance } = rendererFor('lines');
    renderer.start('upload', 100);
    for (let done = 10; done <= 100; done += 10) {
      advance(500);
      renderer.update(done);
    }
    renderer.finish();
    expect(writes).toEqual([]);
    // Start at 0 ms, then 2000 ms (40 bytes), 4000 ms (80 bytes), then the final 100 at 5000 ms.
    expect(lines.map((l) => l.split('  ').slice(0, 2).join(' '))).toEqual([
      'upload 0.0%',
      'upload 40.0%',
      'upload 80.0%',
      'upload 100.0%',
    ]);
  });

  it('in lines mode does not repeat the last state when finishing', () => {
    const { renderer, lines, advance } = rendererFor('lines');
    renderer.start('upload', 10);
    advance(3000);
    renderer.update(10);
    renderer.finish();
    expect(lines).toHaveLength(2);
  });

  it('in bar mode redraws in place, pads over a longer previous line and ends with a newline', () => {
    const { renderer, writes, lines, advance } = rendererFor('bar');
    renderer.start('download', 2 * MIB);
    advance(1000);
    renderer.update(MIB);
    advance(1000);
    renderer.update(2 * MIB);
    renderer.finish();
    expect(lines).toEqual([]);
    expect(writes.slice(0, -1).every((w) => w.startsWith('\r['))).toBe(true);
    expect(writes.at(-1)).toBe('\n');
    const lengths = writes.slice(0, -1).map((w) => w.length);
    expect(Math.min(...lengths.slice(1))).toBeGreaterThanOrEqual(lengths[0]);
  });

  it('in bar mode throttles redraws', () => {
    const { renderer, writes, advance } = rendererFor('bar');
    renderer.start('upload', 1000);
    for (let done = 1; done <= 1000; done++) {
      advance(1);
      renderer.update(done);
    }
    renderer.finish();
    // One draw at start, one per 100 ms over 1 s, the newline.
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(writes.at(-2)).toContain('100.0%');
  });

  it('puts a note on its own line, leaving the bar', () => {
    const { renderer, writes, lines } = rendererFor('bar');
    renderer.start('upload', 10);
    renderer.note('resuming');
    expect(writes.at(-1)).toBe('\n');
    expect(lines).toEqual(['resuming']);
  });

  it('starts a resumed phase at the bytes already done', () => {
    const { renderer, lines } = rendererFor('lines');
    renderer.start('upload', 200, 50);
    expect(lines[0]).toContain('25.0%');
  });

  it('shows nothing in none mode', () => {
    const { renderer, writes, lines } = rendererFor('none');
    renderer.start('upload', 10);
    renderer.update(5);
    renderer.note('hello');
    renderer.finish();
    expect([...writes, ...lines]).toEqual([]);
  });

  it('ignores updates outside a phase', () => {
    const { renderer, lines } = rendererFor('lines');
    renderer.update(5);
    renderer.finish();
    expect(lines).toEqual([]);
  });
});
