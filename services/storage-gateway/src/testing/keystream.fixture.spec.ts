import { keystream } from './keystream.fixture';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('keystream test content', () => {
  it('produces any range again from its offset', async () => {
    const whole = await collect(keystream('seed', 0, 3 * 1024 * 1024 + 5));
    expect(whole.length).toBe(3 * 1024 * 1024 + 5);
    for (const [start, end] of [
      [0, 10],
      [7, 1_048_590],
      [1_048_576, 2_100_000],
      [3_000_001, 3 * 1024 * 1024 + 5],
    ])
      expect(Buffer.compare(await collect(keystream('seed', start, end)), whole.subarray(start, end))).toBe(0);
    expect(Buffer.compare(await collect(keystream('other', 0, 64)), whole.subarray(0, 64))).not.toBe(0);
  });
});
