import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519KeyPair, ed25519Signer, verifyEd25519 } from '@accord/protocol';

/**
 * The exports of the Ed25519 addon (native/ed25519, napi-rs +
 * ed25519-dalek) that the ledger uses. `verifyMany` checks n signatures in
 * one call: messages of `messageBytes` each, 64-byte signatures and 32-byte
 * keys back to back; the answer has one byte per check (1 = valid).
 */
export interface Ed25519Native {
  verifyMany(messages: Buffer, messageBytes: number, signatures: Buffer, keys: Buffer, mode: number): Buffer;
  backend(): string;
  readonly VerifyMode: { readonly Cofactorless: number; readonly Strict: number };
}

/** Which verifier the signature workers use, and why. */
export type Ed25519Backend =
  | { readonly kind: 'native'; readonly path: string; readonly detail: string }
  | { readonly kind: 'node-crypto'; readonly reason: string; readonly warn: boolean };

/** ACCORD_LEDGER_ED25519_NATIVE: unset = the addon built by scripts/ensure-deps.sh; `off` = node:crypto; else a path. */
export const ED25519_NATIVE_ENV = 'ACCORD_LEDGER_ED25519_NATIVE';

/** Where native/ed25519/build.sh leaves the library (its CARGO_TARGET_DIR default). */
export function defaultEd25519NativePath(home = homedir()): string {
  return join(home, '.cache', 'accord', 'cargo-target', 'ed25519-native', 'release', 'libaccord_ed25519_native.so');
}

/** Loads a napi library by path (dlopen needs no `.node` file name). Throws when it does not load. */
export function loadEd25519Native(path: string): Ed25519Native {
  const module = { exports: {} as Ed25519Native };
  process.dlopen(module, path);
  return module.exports;
}

/**
 * Picks the verifier for the signature workers. The addon gives exactly
 * node:crypto's (OpenSSL's) verdicts — both check the cofactorless equation
 * with S < L, compare R byte for byte and hash A as given; the edge-case
 * vectors and random inputs of ed25519-native.spec.ts prove it — so falling
 * back to node:crypto changes speed only, never a verdict: departments with
 * and without the addon agree on every tx. Hence a missing default build
 * (e.g. an image built without cargo) is a warning, not a failure; a path
 * named explicitly that does not load, or an addon that fails the
 * self-check against node:crypto, throws.
 */
export function resolveEd25519Backend(
  setting: string | undefined,
  defaultPath = defaultEd25519NativePath(),
): Ed25519Backend {
  const value = setting?.trim();
  if (value === 'off') return { kind: 'node-crypto', reason: `${ED25519_NATIVE_ENV}=off`, warn: false };
  const path = value === undefined || value === '' ? defaultPath : value;
  if (path === defaultPath && !existsSync(path)) {
    return {
      kind: 'node-crypto',
      reason: `the Ed25519 addon is not built at ${path} (scripts/ensure-deps.sh builds it with cargo); node:crypto gives the same verdicts, about 3× slower`,
      warn: true,
    };
  }
  const native = loadEd25519Native(path);
  assertSameVerdictsAsNodeCrypto(native);
  return { kind: 'native', path, detail: native.backend() };
}

/** A cheap guard against a wrong or stale build: a fresh valid signature, a forgery and a small-order edge case. */
export function assertSameVerdictsAsNodeCrypto(native: Ed25519Native): void {
  const pair = generateEd25519KeyPair();
  const message = Buffer.alloc(32, 7);
  const signature = ed25519Signer(pair.privateKey).sign(message);
  const forged = `${signature.slice(0, 126)}${signature.slice(126) === '00' ? '01' : '00'}`;
  // Vector 0 of "Taming the Many EdDSAs": small-order key and R, S = 0; OpenSSL accepts it.
  const smallOrderKey = 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa';
  const smallOrderMessage = Buffer.from('8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6', 'hex');
  const smallOrderSignature = `c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a${'00'.repeat(32)}`;
  const cases: [string, Buffer, string][] = [
    [pair.publicKey, message, signature],
    [pair.publicKey, message, forged],
    [smallOrderKey, smallOrderMessage, smallOrderSignature],
  ];
  for (const [key, msg, sig] of cases) {
    const answer =
      native.verifyMany(
        msg,
        msg.length,
        Buffer.from(sig, 'hex'),
        Buffer.from(key, 'hex'),
        native.VerifyMode.Cofactorless,
      )[0] === 1;
    if (answer !== verifyEd25519(key, msg, sig))
      throw new Error('the Ed25519 addon disagrees with node:crypto on a self-check; refusing to use it');
  }
}
