// Service kit: what every Accord service needs once — config, logs,
// telemetry, health, OpenAPI, auth and roles, error mapping, graceful
// shutdown, in-process bootstrap. See docs/services.md.

export * from './errors/accord.errors';
export * from './errors/http-error.mapper';
export * from './errors/error-status';
export { HttpExceptionFilter } from './errors/http-exception.filter';
export { publishForRequest, REQUEST_PUBLISH_TIMEOUT_MS } from './infra/request-publish';
export { DeadLetterPublisher, type DeadLetterLog, type DeadLetterOptions } from './infra/dead-letter.publisher';
export {
  classifyUnavailable,
  DependencyUnavailableError,
  DEFAULT_RETRY_AFTER_SECONDS,
  type DependencyName,
} from './errors/dependency-unavailable.classifier';

export { CLOCK, InjectClock, systemClock, type Clock } from './clock/clock.port';

export * from './config/common.config';
export * from './config/config.errors';
export * from './config/object-store.config';

export * from './auth/principal.model';
export * from './auth/auth.errors';
export type { Authenticator, AuthenticationOutcome, AuthenticationRequest } from './auth/authenticator.port';
export { AuthenticatorRegistry } from './auth/authenticator.registry';
export { ApiTokenAuthenticator, hashApiToken, generateApiToken } from './auth/api-token.authenticator';
export {
  API_TOKEN_NAME,
  apiTokenEntrySchema,
  formatApiTokenList,
  parseApiTokenList,
  type ApiTokenListParse,
} from './auth/api-token.model';
export {
  API_TOKEN_STORE,
  type ApiTokenStore,
  type ApiTokenChange,
  type ApiTokenChangeRecord,
} from './auth/api-token-store.port';
export { InlineApiTokenStore } from './auth/inline-api-token.store';
export {
  FileApiTokenStore,
  API_TOKEN_FILE_CHECK_INTERVAL_MS,
  type FileApiTokenStoreOptions,
} from './auth/file-api-token.store';
export { openApiTokenStore } from './auth/api-token-store.factory';
export * from './auth/api-token.errors';
export { decideApiTokenChange, type ApiTokenCommand } from './auth/api-token-admin.decider';
export * from './auth/api-token-admin.dto';
export { ApiTokenAdminService } from './auth/api-token-admin.service';
export { Public, Roles, Principal, PRINCIPAL_KEY } from './auth/auth.decorators';
export { AuthGuard } from './auth/auth.guard';

export { ZodValidationPipe, ZodBody, ZodQuery, ZodParams, openApiSchema } from './validation/zod-validation.pipe';
export { RawJsonBody } from './validation/raw-json-body.decorator';

export {
  ServiceLogger,
  createPinoLogger,
  logFileDestination,
  type ServiceLoggerOptions,
} from './logging/service-logger';
export {
  startTelemetry,
  shutdownTelemetry,
  telemetryStatus,
  activeTraceIds,
  type TelemetryOptions,
  type TelemetryStatus,
} from './telemetry/telemetry';
export {
  ServiceMetrics,
  LATENCY_BUCKETS_SECONDS,
  type InstrumentOptions,
  type HistogramOptions,
} from './telemetry/service-metrics';

export {
  ReadinessRegistry,
  NotReadyError,
  type ReadinessCheck,
  type ReadinessResult,
  type CheckOutcome,
} from './health/readiness.registry';
export { ShutdownRegistry, CLOSE_ORDER } from './bootstrap/shutdown.registry';

export { createOpenApiDocument, serveOpenApi, OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './openapi/openapi.document';

export * from './bootstrap/service-context';
export type { ServiceDefinition } from './bootstrap/service-definition';
export type { SharedResources } from './bootstrap/shared-resources';
export { SHARED_RESOURCES } from './bootstrap/shared-resources';
export { ServiceKitModule } from './bootstrap/service-kit.module';
export type { ServiceInfo } from './bootstrap/info.controller';
export { bootstrapService, type BootstrapOptions, type RunningService } from './bootstrap/bootstrap-service';
export { buildOpenApiDocument } from './bootstrap/openapi-dump';
export {
  runServiceMain,
  exitOnShutdownSignal,
  waitForShutdownSignal,
  exitIfStillRunning,
  EXIT_CONFIG,
  type SignalHandlingOptions,
} from './bootstrap/process-lifecycle';
export { readPackageVersion } from './bootstrap/package-version';

export { DatabaseModule, type DatabaseModuleOptions } from './infra/database.module';
export { EventBusModule, EVENT_BUS, InjectEventBus, busLogger } from './infra/event-bus.module';
export { ObjectStoreModule, OBJECT_STORE, InjectObjectStore, toObjectStoreConfig } from './infra/object-store.module';

export * from './launcher/department-files';
export * from './launcher/department-signer';
export * from './launcher/department.launcher';

export {
  startServiceForTest,
  type ServiceUnderTest,
  type ServiceUnderTestOptions,
} from './harness/service-test.harness';
export {
  checkErrorResponses,
  documentedStatuses,
  matchRoute,
  type ConformanceReport,
  type ErrorCase,
  type UnproducedStatus,
} from './harness/openapi-conformance';
export {
  COMMON_VARIABLES_HEADING,
  documentedVariables,
  envVariablesOf,
  readClusterRunbook,
  runbookDrift,
} from './harness/env-docs';

export * from './tx-publisher';
export type { DeliveredEvent, EventBatch, EventCheckpoints, EventSubscription } from './events/event-subscription';
export { EventRejectedError } from './events/event-subscription';
export { EventSubscriptionRegistry } from './events/event-subscription.registry';
export { StoredCheckpoints, projectionSubscription } from './events/stored-checkpoints';
export { EventBusContext } from './events/event-bus.context';
export { EventBusTransport, type EventBusTransportOptions } from './events/event-bus.transport';
export { EventBusClient, EVENT_PATTERN_HEADER, type EmittedEvents } from './events/event-bus.client';
export { startEventTransport, type ConsumerReadiness } from './events/event-transport.starter';
export { DEFAULT_READER_TIMINGS, type ReaderStatus, type ReaderTimings } from './events/topic.reader';
export { TracedEventBus, traceHeaders, messageSpanContext, spanRelation, inSpanOf } from './events/trace-context';
export { LedgerClient, LedgerUnavailableError, type LedgerTxStatus } from './ledger-api/ledger.client';
export { CommittedBlockReader } from './ledger-api/committed-block.reader';
export {
  ChannelNotFoundError,
  ChannelConfigInvalidError,
  NotChannelMemberError,
  storedChannelConfig,
  activeMemberOf,
} from './channels/projected-channel';
export { ProjectedChannelRows, type ProjectedChannel, type ChannelRowsQuery } from './channels/projected-channel.rows';
export {
  checkLedgerApiPair,
  httpUrlVar,
  ledgerApiEnvShape,
  ledgerApiOf,
  type LedgerApiConfig,
} from './config/ledger-api.config';
