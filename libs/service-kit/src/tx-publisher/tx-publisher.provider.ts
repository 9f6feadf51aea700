import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { EventBus } from '@accord/event-bus';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock.port';
import { EVENT_BUS } from '../infra/event-bus.module';
import type { DepartmentSigner } from '../launcher/department-signer';
import { DepartmentTxPublisher, type TxChannelView } from './department-tx-publisher.service';
import { TxNonceRepository } from './tx-nonce.repository';

export interface TxPublisherProviderOptions {
  /** Token of the service's DepartmentSigner. */
  readonly signer: InjectionToken;
  /** Token of the service's TxChannelView. */
  readonly channels: InjectionToken;
  /** The service's nonce lane (NONCE_LANES). */
  readonly lane: number;
  readonly topic: (channel: string) => string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The DepartmentTxPublisher as a Nest provider, for the providers of the
 * module whose use cases sign txs. It uses the service's event bus
 * (EventBusModule), DataSource (DatabaseModule, whose migrations must
 * include txPublisherMigrations) and Clock (the kit's CLOCK), and the tokens
 * named in `options`.
 */
export function txPublisherProvider(options: TxPublisherProviderOptions): FactoryProvider<DepartmentTxPublisher> {
  return {
    provide: DepartmentTxPublisher,
    inject: [EVENT_BUS, DataSource, options.signer, options.channels, CLOCK],
    useFactory: (
      bus: EventBus,
      dataSource: DataSource,
      signer: DepartmentSigner,
      channels: TxChannelView,
      clock: Clock,
    ) =>
      new DepartmentTxPublisher({
        bus,
        signer,
        nonces: new TxNonceRepository(dataSource),
        channels,
        clock,
        lane: options.lane,
        topic: options.topic,
        headers: options.headers,
      }),
  };
}
