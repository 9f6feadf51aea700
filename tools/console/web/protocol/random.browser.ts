/* eslint-disable no-restricted-imports -- the browser bundle imports the protocol's modules one by one: its entry point also exports the key-wrap module, whose AES-GCM/HKDF node:crypto calls have no browser stand-in (docs/console.md) */
import { ProtocolError } from '@accord/protocol/src/errors/protocol.errors';

/*
 * Browser stand-in for libs/protocol/src/crypto/random.port.ts (same
 * exports): randomness from the Web Crypto API instead of node:crypto.
 */

export type RandomSource = (length: number) => Uint8Array;

export const cryptoRandom: RandomSource = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

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
