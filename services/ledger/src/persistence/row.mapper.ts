import { hashLeaf, toHex, type TxEntry, type ValidityCode, isValidityCode } from '@accord/protocol';
import { CorruptRowError } from '../ledger.errors';
import type { TxRow } from './block.repository';

/** bigint/integer column (pg returns bigint as a string) to a safe integer. */
export function toInt(value: string | number | null | undefined, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === null || value === undefined || !Number.isSafeInteger(n)) {
    throw new CorruptRowError(`${what} is not a safe integer: ${String(value)}`);
  }
  return n;
}

export function toCode(value: string, what: string): ValidityCode {
  if (!isValidityCode(value)) throw new CorruptRowError(`${what} is not a validity code: ${value}`);
  return value;
}

/** The block entry a stored tx row stands for: the envelope (its canonical bytes parsed) or the raw bytes. */
export function toTxEntry(row: Pick<TxRow, 'tx_id' | 'code' | 'bytes'>, what: string): TxEntry {
  const code = toCode(row.code, `${what} code`);
  if (row.tx_id === null) return { raw: toHex(row.bytes), code };
  try {
    return { envelope: JSON.parse(row.bytes.toString('utf8')), code };
  } catch {
    throw new CorruptRowError(`${what} bytes are not JSON`);
  }
}

const SUFFIX = Buffer.from('}');

/**
 * RFC 6962 leaf hash of a stored tx, straight from its bytes: JCS({code,
 * envelope}) is `{"code":..,"envelope":` + the envelope's JCS + `}` (the
 * log bytes already are that JCS), JCS({code, raw}) has the hex inline.
 */
export function storedLeafHash(row: Pick<TxRow, 'tx_id' | 'code' | 'bytes'>): Uint8Array {
  if (row.tx_id === null) return hashLeaf(Buffer.from(`{"code":"${row.code}","raw":"${row.bytes.toString('hex')}"}`));
  return hashLeaf(Buffer.concat([Buffer.from(`{"code":"${row.code}","envelope":`), row.bytes, SUFFIX]));
}
