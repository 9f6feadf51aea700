import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectClock, ServiceLogger, type Clock } from '@accord/service-kit';
import { GatewayMetrics } from '../projection/gateway.metrics';
import { ObjectScrubber, type ObjectScrub } from './object-scrubber';
import type { ObjectProblem } from './scrub-finding';
import { ScrubRepository, type ScrubProgress, type ScrubTarget } from './scrub.repository';
import type { TokenBucket } from './token-bucket';

/** Objects listed per query while a run walks them. */
const PAGE_SIZE = 100;

/**
 * One pass of the scrubber over every available object, one object at a
 * time, in object id order (docs/storage-gateway-scrubber.md "Runs"). Each
 * finding is recorded, counted and logged as an error the moment it is
 * found; the run's row is brought up to date after every object, so a run
 * stopped by a shutdown keeps what it did. An object that cannot be read
 * for another reason (the store or database failing, the object erased
 * meanwhile) is logged and left for the next run; it does not count as
 * checked.
 */
@Injectable()
export class ScrubRunner {
  private readonly log: ServiceLogger;

  constructor(
    private readonly objects: ObjectScrubber,
    private readonly scrubs: ScrubRepository,
    private readonly metrics: GatewayMetrics,
    @InjectClock() private readonly clock: Clock,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('scrubber');
  }

  /** Walks every object; returns its totals, or 'stopped' when `signal` aborted first. */
  async run(runId: string, bucket: TokenBucket, signal: AbortSignal): Promise<ScrubProgress | 'stopped'> {
    let progress: ScrubProgress = { objectsChecked: 0, bytesRead: 0, findings: 0 };
    let after: string | null = null;
    for (;;) {
      const page = await this.scrubs.availableAfter(after, PAGE_SIZE);
      for (const target of page) {
        if (signal.aborted) return 'stopped';
        const done = await this.scrubOne(runId, target, bucket, signal);
        if (done === 'stopped') return 'stopped';
        if (done === undefined) continue;
        progress = {
          objectsChecked: progress.objectsChecked + 1,
          bytesRead: progress.bytesRead + done.bytesRead,
          findings: progress.findings + done.findings,
        };
        await this.scrubs.recordProgress(runId, progress);
      }
      if (page.length < PAGE_SIZE) return progress;
      after = page[page.length - 1].objectId;
    }
  }

  private async scrubOne(
    runId: string,
    target: ScrubTarget,
    bucket: TokenBucket,
    signal: AbortSignal,
  ): Promise<{ bytesRead: number; findings: number } | 'stopped' | undefined> {
    let scrub: ObjectScrub | undefined;
    try {
      scrub = await this.objects.scrub(target, bucket, signal);
    } catch (error) {
      if (signal.aborted) return 'stopped';
      this.log.pino.warn(
        { err: error, runId, objectId: target.objectId },
        'scrubber could not check an object; the next run tries again',
      );
      return undefined;
    }
    if (scrub === undefined) return undefined;
    this.metrics.scrubBytes.add(scrub.bytesRead);
    for (const problem of scrub.problems) await this.report(runId, target.objectId, scrub, problem);
    return { bytesRead: scrub.bytesRead, findings: scrub.problems.length };
  }

  /** A finding: its row, the findings counter and an error log line (the alert). */
  private async report(
    runId: string,
    objectId: string,
    object: Pick<ObjectScrub, 'channel' | 'dataset'>,
    problem: ObjectProblem,
  ): Promise<void> {
    await this.scrubs.addFinding({ findingId: randomUUID(), runId, objectId, foundAt: this.clock.now(), ...problem });
    this.metrics.scrubFindings.add(1, { kind: problem.kind });
    this.log.pino.error(
      { runId, objectId, channel: object.channel, dataset: object.dataset, kind: problem.kind, detail: problem.detail },
      `integrity scrub: object ${objectId} is ${problem.kind.replace('_', ' ')}: ${problem.detail}`,
    );
  }
}
