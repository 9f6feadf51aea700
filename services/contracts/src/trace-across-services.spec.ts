import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testMember } from '@accord/protocol/testing';
import { registration, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import { recordSpansForTest } from '@accord/service-kit/testing';
import { waitFor } from '@accord/event-bus/testing';
import type { JsonObject } from '@accord/protocol';
import {
  api,
  createRulesChannel,
  startDepartment,
  TxPublisher,
  type DepartmentUnderTest,
} from './testing/department.fixture';

const self = testMember('trace-dept');
const CHANNEL = 'traced';

/**
 * One request, one trace: a tx submitted over the ledger's HTTP API is
 * built into a block, committed and announced under a child span of the
 * request, and the contracts service applies that block under a child of
 * the block's span — across the log, in the embedded mode as on Kafka
 * (the same transport). Spans are recorded in memory.
 */
describe('traces across the log: HTTP submission → ledger block → contracts decision', () => {
  const recorder = recordSpansForTest();
  let dir: string;
  let dept: DepartmentUnderTest;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-trace-'));
    dept = await startDepartment({ member: self, dir });
    await createRulesChannel(dept, CHANNEL, [self], TEST_RULES as unknown as JsonObject);
  }, 60_000);

  afterAll(async () => {
    await dept?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the submission, the block commit and the contracts decision one trace id with parent links', async () => {
    recorder.reset();
    const envelope = new TxPublisher(dept.bus, CHANNEL).envelope(
      self,
      'dataset.register',
      registration('roads') as unknown as JsonObject,
    );
    const submitted = await api(dept.ledger).post(`/v1/channels/${CHANNEL}/txs`, envelope, dept.ledger.tokens.provider);
    expect(submitted.status).toBe(202);
    const txId = submitted.body.txId as string;
    const receipts = await api(dept.contracts).get(`/v1/txs/${txId}/receipts?waitMs=15000`);
    expect(receipts.status).toBe(200);

    const spans = () => recorder.spans();
    const submission = await waitFor('the submission span', () =>
      spans().find((s) => s.name === 'POST /v1/channels/:channel/txs'),
    );
    const traceId = submission.spanContext().traceId;
    const inTrace = () => spans().filter((s) => s.spanContext().traceId === traceId);
    const commit = await waitFor('the block commit span in the same trace', () =>
      inTrace().find((s) => s.name === 'ledger.blocks.commit'),
    );
    const decision = await waitFor('the contracts consumer span in the same trace', () =>
      inTrace().find((s) => s.name === 'block.committed process'),
    );
    const ids = new Set(inTrace().map((s) => s.spanContext().spanId));
    // The commit span descends from the request; the contracts span is the commit span's child.
    expect(ids.has(commit.parentSpanContext?.spanId ?? '')).toBe(true);
    expect(decision.parentSpanContext?.spanId).toBe(commit.spanContext().spanId);
    expect(decision.attributes).toMatchObject({
      'messaging.destination.name': `accord.dept.${self.id}.blocks`,
      'messaging.consumer.group.name': 'contracts',
    });
  });
});
