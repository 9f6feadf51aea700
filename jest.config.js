// Three projects: `unit` runs pure, fast specs next to the code (*.spec.ts);
// `integration` runs *.int-spec.ts against the real Kafka, PostgreSQL and
// MinIO that scripts/infra starts (see docs/infrastructure.md); `e2e` runs
// *.e2e-spec.ts: whole local networks, the CLI, the demo and the console in
// a headless browser, on the embedded default and on those real servers.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    // A service's test fixtures and its public entry (its index), for specs that boot another service.
    '^@accord/([a-z-]+)-service/testing$': '<rootDir>/services/$1/src/testing',
    '^@accord/([a-z-]+)-service$': '<rootDir>/services/$1/src',
    '^@accord/(cli|console|bench|system-proof)/testing$': '<rootDir>/tools/$1/src/testing',
    '^@accord/(cli|console|bench|system-proof)$': '<rootDir>/tools/$1/src',
    '^@accord/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing',
    '^@accord/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,tools,deploy}/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/unit.setup.js'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,tools}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/integration.setup.js'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{libs,services,tools,deploy}/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e.setup.js'],
    },
  ],
};
