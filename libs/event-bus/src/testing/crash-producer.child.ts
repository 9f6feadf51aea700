/**
 * Child process for the embedded producer kill test: several concurrent
 * publishers append numbered batches as fast as they can and log each
 * acknowledged batch (after publish resolved) to acks.log. The parent
 * SIGKILLs it mid-append and checks that the reopened log holds every
 * acknowledged batch intact. Run: node --require ./swc-register.js crash-producer.child.ts '<json>'
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedEventBus } from '../embedded/embedded-event-bus.adapter';
import { silentEventBusLogger } from '../event-bus.logger';
import type { OutgoingMessage } from '../event-bus.port';
import { producedValue, type CrashProducerArgs } from './crash-scenario.model';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as CrashProducerArgs;
  const bus = await EmbeddedEventBus.open({
    dataDir: args.dataDir,
    logger: silentEventBusLogger,
    segmentBytes: args.segmentBytes,
  });
  await bus.ensureTopic(args.topic);
  const acksPath = join(args.outDir, 'acks.log');
  const run = async (publisher: number): Promise<never> => {
    for (let batch = 0; ; batch++) {
      const messages: OutgoingMessage[] = Array.from({ length: args.batchSize }, (_, i) => ({
        key: `p${publisher}`,
        value: Buffer.from(producedValue(publisher, batch, i)),
        headers: { batch: String(batch) },
      }));
      const result = await bus.publish(args.topic, messages);
      appendFileSync(acksPath, `${publisher} ${batch} ${result.baseOffset} ${result.count}\n`);
    }
  };
  await Promise.all(Array.from({ length: args.publishers }, (_, p) => run(p)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
