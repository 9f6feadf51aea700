import type { LogUnwritableReason } from '../event-bus.errors';
import { ShortWriteError } from './segment.store';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const READ_ONLY_CODES = new Set(['EROFS']);

/** What a failed write or sync of the log says about its disk (the errno, or a short write). */
export function unwritableReason(error: unknown): LogUnwritableReason {
  if (error instanceof ShortWriteError) return 'disk_full';
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return 'disk_full';
  if (typeof code === 'string' && READ_ONLY_CODES.has(code)) return 'read_only';
  return 'io_error';
}

/** True for the errors of a disk that cannot take writes (as opposed to a bug or a missing file). */
export function isUnwritableDiskError(error: unknown): boolean {
  if (error instanceof ShortWriteError) return true;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (DISK_FULL_CODES.has(code) || READ_ONLY_CODES.has(code) || code === 'EIO');
}
