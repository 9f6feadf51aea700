/**
 * Child process for the kill-and-restart tests: consumes a topic the way a
 * service should (idempotent handler that stores its last applied offset
 * together with its state, atomically), logs every delivery, and exits 0 once
 * it has applied `total` messages. The parent SIGKILLs it mid-stream and
 * restarts it. Run: node --require ./swc-register.js crash-consumer.child.ts '<json>'
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../embedded/durable-file.util';
import { createEventBus } from '../event-bus.factory';
import { silentEventBusLogger } from '../event-bus.logger';
import { INITIAL_STATE, applyValue, type CrashConsumerArgs, type CrashConsumerState } from './crash-scenario.model';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as CrashConsumerArgs;
  const statePath = join(args.outDir, 'state.json');
  const deliveriesPath = join(args.outDir, 'deliveries.log');
  let state: CrashConsumerState;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as CrashConsumerState;
  } catch {
    state = INITIAL_STATE;
  }
  const bus = await createEventBus({ ...args.bus, logger: silentEventBusLogger });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (state.nextOffset >= args.total) finish();
  const subscription = await bus.subscribe({
    topic: args.topic,
    groupId: args.groupId,
    maxBatchSize: args.maxBatchSize,
    handler: async (batch) => {
      // Kernel-buffered append: survives SIGKILL of this process.
      appendFileSync(deliveriesPath, batch.map((m) => `${m.offset}\n`).join(''));
      let next = state;
      for (const message of batch) {
        if (message.offset < next.nextOffset) continue; // already applied: idempotent skip
        if (message.offset !== next.nextOffset) {
          appendFileSync(join(args.outDir, 'error.txt'), `gap: got ${message.offset}, expected ${next.nextOffset}\n`);
          process.exit(3);
        }
        next = applyValue(next, message.offset, message.value);
      }
      if (next !== state) {
        await writeFileAtomic(statePath, JSON.stringify(next));
        state = next;
      }
      if (args.handlerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, args.handlerDelayMs));
      if (state.nextOffset >= args.total) finish();
    },
  });
  await finished;
  await subscription.stop();
  await bus.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
