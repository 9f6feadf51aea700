// Public API of the accord CLI package: run it in-process, or add commands.
export * from './api';
export * from './cli.context';
export { buildProgram, runCli } from './cli.program';
export { commands } from './commands';
export * from './output';
// Founding a channel as `accord up` does, for networks started another way (the system proof's process network).
export { ensureFoundingChannel, FOUNDING_POLICY, type FoundingMember } from './network/founding-channel';
export type { ClusterInfra } from './network/network.options';
