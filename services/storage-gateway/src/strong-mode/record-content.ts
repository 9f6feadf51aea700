import { MAX_STRONG_RECORD_BYTES, type STRONG_RECORD_MEDIA_TYPES } from '@accord/data-plane';
import { RecordContentInvalidError, RecordTooLargeError } from '../storage-gateway.errors';

export type RecordMediaType = (typeof STRONG_RECORD_MEDIA_TYPES)[number];

/**
 * The bytes a strong-mode record encrypts: the content's UTF-8, at most
 * MAX_STRONG_RECORD_BYTES (record_too_large), and for JSON a document that
 * parses (record_content_invalid), so a grantee never decrypts something
 * that is not what its media type says. CSV is taken as text.
 */
export function recordPlaintext(mediaType: RecordMediaType, content: string): Buffer {
  const bytes = Buffer.from(content, 'utf8');
  if (bytes.length > MAX_STRONG_RECORD_BYTES) throw new RecordTooLargeError(bytes.length, MAX_STRONG_RECORD_BYTES);
  if (mediaType === 'application/json') {
    try {
      JSON.parse(content);
    } catch (error) {
      throw new RecordContentInvalidError(mediaType, (error as Error).message);
    }
  }
  return bytes;
}
