/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded with `node --require` */
// Lets a plain `node` child process run the TypeScript sources directly:
// `node --require <this file> some-child.ts`. It compiles each .ts file with
// @swc/core (already used by Jest), the same settings as jest.config.js, and
// resolves `@accord/<lib>` and `@accord/<lib>/testing` to their sources.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

// The packages' sources and testing entry points, as jest.config.js maps them,
// so a child runs the same code as the spec that spawned it.
const libs = path.resolve(__dirname, '..', '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAccord(request, ...rest) {
  const testing = /^@accord\/([a-z-]+)\/testing$/.exec(request);
  if (testing) return resolveFilename.call(this, path.join(libs, testing[1], 'src', 'testing', 'index.ts'), ...rest);
  const lib = /^@accord\/([a-z-]+)$/.exec(request);
  if (lib && fs.existsSync(path.join(libs, lib[1], 'src', 'index.ts')))
    return resolveFilename.call(this, path.join(libs, lib[1], 'src', 'index.ts'), ...rest);
  return resolveFilename.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
