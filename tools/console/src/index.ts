// The operator console (docs/console.md): the server the network launcher starts, and its front-end build.
export { startConsoleServer, type ConsoleServerOptions, type RunningConsole } from './server/console.server';
export {
  SERVICE_NAMES,
  departmentsSchema,
  loadConsoleConfig,
  type ConsoleConfig,
  type ConsoleDepartment,
  type ServiceName,
  type ServiceUrls,
} from './server/console.config';
export { CONTENT_SECURITY_POLICY } from './server/static-files';
export { buildWebBundle, WEB_DIST } from './build/web-bundle';
