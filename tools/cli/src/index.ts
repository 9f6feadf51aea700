// Public API of the accord CLI package: run it in-process, or add commands.
export * from './api';
export * from './cli.context';
export { buildProgram, runCli } from './cli.program';
export { commands } from './commands';
export * from './output';
