import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { browserProtocolPlugin } from './browser-protocol.plugin';
import { CONSOLE_ROOT, WEB_DIST } from './web-dist';

export { WEB_DIST };
const WEB_SRC = join(CONSOLE_ROOT, 'web');

/** Files served as they are. */
const STATIC_FILES = ['index.html', 'app.css', 'favicon.svg'];

/**
 * esbuild options shared by the console's bundle and the specs that bundle
 * a piece of the front end: a browser ES2022 target, Preact's JSX, node's
 * Buffer injected, and the protocol's node:crypto modules swapped for their
 * browser stand-ins.
 */
export function browserBuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    inject: [join(WEB_SRC, 'protocol', 'buffer.shim.ts')],
    plugins: [browserProtocolPlugin()],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    legalComments: 'none',
  };
}

/** Bundles web/main.tsx into `outDir`/app.js and copies the static files next to it. */
export async function buildWebBundle(outDir: string = WEB_DIST): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    ...browserBuildOptions(),
    entryPoints: [join(WEB_SRC, 'main.tsx')],
    outfile: join(outDir, 'app.js'),
    minify: true,
    sourcemap: 'linked',
  });
  for (const file of STATIC_FILES) await copyFile(join(WEB_SRC, file), join(outDir, file));
}
