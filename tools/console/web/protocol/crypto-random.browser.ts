/* eslint-disable no-restricted-imports -- the browser bundle imports the protocol's modules one by one: its entry point also exports the key-wrap module, whose AES-GCM/HKDF node:crypto calls have no browser stand-in (docs/console.md) */
import type { RandomSource } from '@accord/protocol/src/crypto/random.port';

/*
 * Browser stand-in for libs/protocol/src/crypto/crypto-random.ts (same
 * export): randomness from the Web Crypto API instead of node:crypto.
 */
export const cryptoRandom: RandomSource = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));
