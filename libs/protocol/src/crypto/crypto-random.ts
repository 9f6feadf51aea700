import { randomBytes } from 'node:crypto';
import type { RandomSource } from './random.port';

/** The operating system's randomness (the default source; its own module so a browser build can swap it). */
export const cryptoRandom: RandomSource = (length) => randomBytes(length);
