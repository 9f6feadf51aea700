import { ProtocolError } from '../errors/protocol.errors';

/**
 * Source of cryptographic randomness. The protocol core never draws
 * randomness on its own; key generation and key wrapping take one of these,
 * so tests can pass a deterministic source.
 */
export type RandomSource = (length: number) => Uint8Array;

export function drawRandom(random: RandomSource, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new ProtocolError(
      'random.invalid',
      `random source returned ${describeLength(bytes)} instead of ${length} bytes`,
    );
  }
  return bytes;
}

function describeLength(value: unknown): string {
  return value instanceof Uint8Array ? `${value.length} bytes` : 'a non-Uint8Array value';
}
