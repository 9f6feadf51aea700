// Test helpers of the CLI for other packages' end-to-end specs: `@accord/cli/testing`.
export * from '../network/testing';
