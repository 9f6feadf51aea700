// The HTTP side of the CLI: which department to talk to and how (profiles), and the client.
export * from './api.errors';
export * from './connection.options';
export * from './department.api';
export * from './department.profile';
export * from './network.file';
export * from './profile.resolver';
export * from './profiles.file';
export * from './channel.resolver';
export * from './tx-status';
