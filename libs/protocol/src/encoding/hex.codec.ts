import { ProtocolError } from '../errors/protocol.errors';

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Decodes lowercase hex. With `expectedBytes` the decoded length must match
 * exactly. `what` names the field in error messages.
 */
export function fromHex(hex: string, expectedBytes?: number, what = 'hex string'): Uint8Array {
  if (typeof hex !== 'string' || !LOWER_HEX.test(hex)) {
    throw new ProtocolError('hex.invalid', `${what} must be lowercase hex with an even number of digits`);
  }
  if (expectedBytes !== undefined && hex.length !== expectedBytes * 2) {
    throw new ProtocolError(
      'hex.wrong_length',
      `${what} must be ${expectedBytes} bytes (${expectedBytes * 2} hex digits), got ${hex.length} digits`,
      { expectedBytes, actualDigits: hex.length },
    );
  }
  return Buffer.from(hex, 'hex');
}

/** True when `value` is lowercase hex of exactly `bytes` bytes. */
export function isHex(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && value.length === bytes * 2 && LOWER_HEX.test(value);
}
