import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// Another package is reached through its entry points only: `@accord/<pkg>`,
// or `@accord/<pkg>/testing` for its test helpers (libs/<pkg>/src/testing/index.ts).
const deepImports = {
  group: ['@accord/*/src', '@accord/*/src/**', '@accord/*/dist', '@accord/*/dist/**'],
  message: "Import another package through its entry point: '@accord/<pkg>' or '@accord/<pkg>/testing'.",
};

// Module boundaries (docs/architecture.md): the pure protocol core may depend
// on nothing but other pure code; infrastructure adapters never import
// services; only apps (services, CLI) sit on top of everything. `appExtras`:
// tags apps may depend on besides (none in production code).
const moduleBoundaries = (appExtras) => ({
  allow: [],
  depConstraints: [
    { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'] },
    { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:pure', 'type:infra'] },
    { sourceTag: 'type:service-kit', onlyDependOnLibsWithTags: ['type:pure', 'type:infra'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:infra', 'type:service-kit', ...appExtras] },
  ],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [deepImports] }],
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries([])],
    },
  },
  {
    // A service's specs and test fixtures may boot another service through
    // its public entry, `@accord/<name>-service` (the contracts specs run the
    // real ledger that commits the blocks they apply); its production code may not.
    files: ['services/*/src/**/*.spec.ts', 'services/*/src/**/*.int-spec.ts', 'services/*/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['scope:service'])] },
  },
  {
    // Benchmarks boot services in-process to measure them, and the system load benchmark drives the system proof's process network.
    files: ['tools/bench/src/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['scope:service', 'scope:tools'])] },
  },
  {
    // The system proof (docs/system-proof.md) drives whole networks: the CLI's network and API client, and services' exported names.
    files: ['tools/system-proof/src/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['scope:service', 'scope:tools'])] },
  },
  {
    // End-to-end specs run whole local networks: they may use the CLI's test fixtures (`@accord/cli/testing`).
    files: ['tools/*/src/**/*.e2e-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['scope:tools'])] },
  },
  {
    // The protocol, ledger, rules, event-contract and data-plane cores are pure: no frameworks, no I/O, no clocks or randomness.
    files: [
      'libs/protocol/src/**/*.ts',
      'libs/ledger-core/src/**/*.ts',
      'libs/rules/src/**/*.ts',
      'libs/events/src/**/*.ts',
      'libs/data-plane/src/**/*.ts',
    ],
    ignores: ['**/*.spec.ts', 'libs/data-plane/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImports,
            {
              group: [
                '@nestjs/*',
                'typeorm',
                'kafkajs',
                'minio',
                'pg',
                'fs',
                'node:fs',
                'node:fs/*',
                'net',
                'node:net',
                'http',
                'node:http',
              ],
              message:
                'libs/protocol, libs/ledger-core, libs/rules, libs/events and libs/data-plane are pure: no frameworks or I/O.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass time in; the protocol core has no clock.' },
        { object: 'Math', property: 'random', message: 'The protocol core is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Pass time in; the protocol core has no clock.',
        },
        {
          selector: "CallExpression[callee.name='randomUUID']",
          message: 'Pass ids in; the protocol core is deterministic.',
        },
      ],
    },
  },
  {
    // Services read wall-clock time through the kit's one Clock port (docs/services.md "Clock"), so tests can fake it.
    files: ['services/*/src/**/*.ts', 'libs/service-kit/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/src/testing/**', 'libs/service-kit/src/clock/clock.port.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Read wall-clock time from the injected Clock (@InjectClock()).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Read wall-clock time from the injected Clock (@InjectClock()).',
        },
      ],
    },
  },
);
