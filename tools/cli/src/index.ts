// Public API of the accord CLI package: run it in-process, or add commands.
export * from './api';
export * from './cli.context';
export { buildProgram, runCli } from './cli.program';
export { commands } from './commands';
export * from './output';
// The data plane as a library, for workloads that upload and fetch like the CLI does (tools/system-proof).
export { uploadFile, type UploadOptions, type UploadResult } from './data/upload-file';
export { UploadStateStore } from './data/upload-state.store';
export { fetchGranted, type FetchOptions, type FetchResult } from './data/fetch-granted';
export { SILENT_PROGRESS } from './data/progress.renderer';
// Founding a channel as `accord up` does, for networks started another way (the system proof's process network).
export { ensureFoundingChannel, FOUNDING_POLICY, type FoundingMember } from './network/founding-channel';
export type { ClusterInfra } from './network/network.options';
export { ephemeralPortRange, type PortRange } from './network/network.ports';
