import { Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceLogger } from '@accord/service-kit';
import type { LedgerConfig } from '../ledger.config';
import { SignatureVerifierPool } from './signature-verifier.pool';
import { resolveEd25519Backend, type Ed25519Backend } from './ed25519-native.loader';

/**
 * The worker-thread signature pool (ACCORD_LEDGER_SIG_WORKERS threads),
 * verifying with the Ed25519 addon when it is built (see
 * resolveEd25519Backend; ACCORD_LEDGER_ED25519_NATIVE). Terminated after
 * every module's onModuleDestroy, i.e. once the channel runners have stopped.
 */
@Module({
  providers: [
    {
      provide: SignatureVerifierPool,
      inject: [SERVICE_CONFIG, ServiceLogger],
      useFactory: (config: LedgerConfig, log: ServiceLogger) => {
        const backend = resolveEd25519Backend(config.ed25519Native);
        logBackend(log, backend, config.sigWorkers);
        return new SignatureVerifierPool({
          workers: config.sigWorkers,
          ...(backend.kind === 'native' ? { nativeAddonPath: backend.path } : {}),
          onWorkerError: (error) =>
            log.pino.error({ err: error }, 'signature worker failed; replaced (its checks ran inline)'),
        });
      },
    },
  ],
  exports: [SignatureVerifierPool],
})
export class SignatureVerificationModule implements BeforeApplicationShutdown {
  constructor(private readonly pool: SignatureVerifierPool) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

function logBackend(log: ServiceLogger, backend: Ed25519Backend, workers: number): void {
  if (backend.kind === 'native') {
    log.pino.info(
      { path: backend.path, backend: backend.detail, workers },
      'signature workers verify with the Ed25519 addon',
    );
  } else if (backend.warn) {
    log.pino.warn({ workers }, `signature workers verify with node:crypto: ${backend.reason}`);
  } else {
    log.pino.info({ workers }, `signature workers verify with node:crypto: ${backend.reason}`);
  }
}
