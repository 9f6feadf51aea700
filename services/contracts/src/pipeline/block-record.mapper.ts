import type { LogMessage } from '@accord/event-bus';
import type { BlockRecordCommand } from '@accord/rules';
import { BlockEventInvalidError } from '../contracts.errors';
import type { BlockExtras } from './block-extras.fetcher';
import { parseBlockCommitted, type BlockCommitted } from './block-committed.parser';

/** One record of the blocks topic, parsed once: its event, or why it does not verify. */
export interface ParsedRecord {
  readonly offset: number;
  readonly event: BlockCommitted | BlockEventInvalidError;
}

export function parseBlockRecord(message: LogMessage): ParsedRecord {
  return { offset: message.offset, event: parseOrError(message.value) };
}

/** The block applier's command for a record, with what the reader fetched for it from the ledger API. */
export function toBlockRecordCommand(
  record: ParsedRecord,
  extras: BlockExtras | undefined,
  topic: string,
  at: string,
): BlockRecordCommand {
  const { offset, event } = record;
  if (event instanceof BlockEventInvalidError) {
    return { type: 'record.invalid', offset, channel: event.channel, code: event.code, message: event.message, at };
  }
  const full = event.kind === 'full';
  return {
    type: 'block.received',
    topic,
    offset,
    channel: event.channel,
    header: full ? event.block.header : event.header,
    hash: full ? event.block.hash : event.hash,
    block: full ? event.block : extras?.block,
    configChanged: event.configChanged,
    config: event.config,
    fetchedConfig: extras?.config,
    problem: extras?.problem,
    storedHash: undefined,
    at,
  };
}

function parseOrError(value: Uint8Array): BlockCommitted | BlockEventInvalidError {
  try {
    return parseBlockCommitted(value);
  } catch (error) {
    if (error instanceof BlockEventInvalidError) return error;
    throw error;
  }
}
