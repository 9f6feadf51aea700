/**
 * Child process for the event transport's kill-and-restart tests: the
 * crash-consumer scenario of @accord/event-bus/testing, consumed through an
 * `@EventPattern` handler on the EventBusTransport instead of a bus
 * subscription. The handler's "transaction" is one atomic write of the state
 * file holding the applied digest and the checkpoint together, as a service
 * stores its checkpoint with its effects. Exits 0 once `total` messages are
 * applied; the parent SIGKILLs it mid-stream and restarts it.
 */
import 'reflect-metadata';
import { appendFileSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { createEventBus, silentEventBusLogger, type LogMessage } from '@accord/event-bus';
import { applyValue, INITIAL_STATE, type CrashConsumerArgs, type CrashConsumerState } from '@accord/event-bus/testing';
import pino from 'pino';
import { EventBusTransport } from '../events/event-bus.transport';
import type { EventBatch } from '../events/event-subscription';
import { EventSubscriptionRegistry } from '../events/event-subscription.registry';
import { DeadLetterPublisher } from '../infra/dead-letter.publisher';

const args = JSON.parse(process.argv[2]) as CrashConsumerArgs;
const statePath = join(args.outDir, 'state.json');
const deliveriesPath = join(args.outDir, 'deliveries.log');
let finish!: () => void;
const finished = new Promise<void>((resolve) => (finish = resolve));

function loadState(): CrashConsumerState {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8')) as CrashConsumerState;
  } catch {
    return INITIAL_STATE;
  }
}

function saveState(state: CrashConsumerState): void {
  const tmp = `${statePath}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, statePath);
}

@Controller()
class CrashHandler {
  @EventPattern('crash.value')
  async apply(@Payload() batch: EventBatch<LogMessage>): Promise<void> {
    // Kernel-buffered append: survives SIGKILL of this process.
    appendFileSync(deliveriesPath, batch.events.map((e) => `${e.offset}\n`).join(''));
    let state = loadState();
    for (const { offset, event } of batch.events) {
      if (offset < state.nextOffset) continue;
      if (offset !== state.nextOffset) {
        appendFileSync(join(args.outDir, 'error.txt'), `gap: got ${offset}, expected ${state.nextOffset}\n`);
        process.exit(3);
      }
      state = applyValue(state, offset, event.value);
    }
    saveState({ ...state, nextOffset: batch.nextOffset });
    if (args.handlerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, args.handlerDelayMs));
    if (batch.nextOffset >= args.total) finish();
  }
}

@Injectable()
class CrashSubscription {
  constructor(registry: EventSubscriptionRegistry) {
    registry.register<LogMessage>({
      pattern: 'crash.value',
      consumer: 'crash',
      topics: async () => [args.topic],
      parse: (message) => message,
      maxBatch: args.maxBatchSize,
      checkpoints: {
        next: async () => loadState().nextOffset,
        skipTo: async (_topic, next) => saveState({ ...loadState(), nextOffset: next }),
      },
      timings: { idleMs: 20 },
    });
  }
}

async function main(): Promise<void> {
  const registry = new EventSubscriptionRegistry();
  const bus = await createEventBus({ ...args.bus, logger: silentEventBusLogger });
  const log = pino({ level: 'silent' });
  @Module({
    controllers: [CrashHandler],
    providers: [{ provide: EventSubscriptionRegistry, useValue: registry }, CrashSubscription],
  })
  class CrashModule {}
  const transport = new EventBusTransport({
    bus,
    subscriptions: registry,
    deadLetters: (consumer) => new DeadLetterPublisher({ bus, department: 'crash-test', consumer, log }),
    isUnavailable: () => false,
    log,
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(CrashModule, {
    strategy: transport,
    logger: false,
  });
  if (loadState().nextOffset >= args.total) finish();
  await app.listen();
  await finished;
  await app.close();
  await bus.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
