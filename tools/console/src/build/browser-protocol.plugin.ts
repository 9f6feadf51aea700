import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { CONSOLE_ROOT } from './web-dist';

const PROTOCOL_SRC = resolve(CONSOLE_ROOT, '..', '..', 'libs', 'protocol', 'src');
const BROWSER_PROTOCOL = join(CONSOLE_ROOT, 'web', 'protocol');

/**
 * The protocol modules that use node:crypto, each with its browser stand-in
 * exporting the same names (web/protocol/*.browser.ts). Everything else in
 * libs/protocol is pure and bundles as is.
 */
export const PROTOCOL_SUBSTITUTES: Readonly<Record<string, string>> = {
  'crypto/ed25519.crypto.ts': 'ed25519.browser.ts',
  'crypto/x25519.crypto.ts': 'x25519.browser.ts',
  'crypto/sha256.crypto.ts': 'sha256.browser.ts',
  'crypto/crypto-random.ts': 'crypto-random.browser.ts',
  'merkle/merkle.hasher.ts': 'merkle-hasher.browser.ts',
};

/** Modules that may keep their `node:crypto` import: it resolves to a browser `hash` (web/protocol/node-hash.browser.ts). */
const NODE_HASH_IMPORTERS = new Set(['merkle/merkle-tree.ts']);

/**
 * esbuild plugin that lets the browser bundle run the protocol's own
 * verifiers (tx proofs, canonical JSON, Merkle): imports of the node:crypto
 * modules above resolve to their browser stand-ins. Any other node:crypto
 * import fails the build naming its importer, so a new use of node:crypto in
 * the protocol cannot slip into the bundle unnoticed.
 */
export function browserProtocolPlugin(): Plugin {
  return {
    name: 'accord-browser-protocol',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const relative = protocolRelative(args.importer);
        if (relative === undefined) return undefined;
        const target = protocolRelative(`${resolve(dirname(args.importer), args.path)}.ts`);
        const substitute = target === undefined ? undefined : PROTOCOL_SUBSTITUTES[target];
        return substitute === undefined ? undefined : { path: join(BROWSER_PROTOCOL, substitute) };
      });
      build.onResolve({ filter: /^(node:)?crypto$/ }, (args) => {
        const relative = protocolRelative(args.importer);
        if (relative !== undefined && NODE_HASH_IMPORTERS.has(relative)) {
          return { path: join(BROWSER_PROTOCOL, 'node-hash.browser.ts') };
        }
        return {
          errors: [
            {
              text: `${args.importer} imports ${args.path}, which has no browser stand-in (add one to PROTOCOL_SUBSTITUTES)`,
            },
          ],
        };
      });
    },
  };
}

/** `crypto/ed25519.crypto.ts` for a file of libs/protocol/src, else undefined. */
function protocolRelative(file: string): string | undefined {
  if (!file.startsWith(`${PROTOCOL_SRC}/`)) return undefined;
  return file.slice(PROTOCOL_SRC.length + 1);
}
