/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded with `node --require` */
// Lets a plain `node` child process run the TypeScript sources directly:
// `node --require <this file> some-child.ts`. It compiles each .ts file with
// @swc/core (already used by Jest), the same settings as jest.config.js.
'use strict';
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

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
