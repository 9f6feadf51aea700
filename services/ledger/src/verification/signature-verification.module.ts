import { Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceLogger } from '@accord/service-kit';
import type { LedgerConfig } from '../ledger.config';
import { SignatureVerifierPool } from './signature-verifier.pool';

/**
 * The worker-thread signature pool (ACCORD_LEDGER_SIG_WORKERS threads).
 * Terminated after every module's onModuleDestroy, i.e. once the channel
 * runners have stopped.
 */
@Module({
  providers: [
    {
      provide: SignatureVerifierPool,
      inject: [SERVICE_CONFIG, ServiceLogger],
      useFactory: (config: LedgerConfig, log: ServiceLogger) =>
        new SignatureVerifierPool({
          workers: config.sigWorkers,
          onWorkerError: (error) =>
            log.pino.error({ err: error }, 'signature worker failed; replaced (its checks ran inline)'),
        }),
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
