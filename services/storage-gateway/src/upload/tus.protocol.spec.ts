import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  assertTusResumable,
  httpDate,
  isOffsetOctetStream,
  parseUploadChecksum,
  parseUploadLength,
  parseUploadMetadata,
  parseUploadOffset,
  TUS_MAX_SIZE,
} from './tus.protocol';
import { uploadTargetOf } from './upload-target';
import { encodeMetadata } from '../testing/tus-test.helpers';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('tus request headers', () => {
  it('accepts only Tus-Resumable 1.0.0', () => {
    expect(code(() => assertTusResumable('1.0.0'))).toBeUndefined();
    expect(code(() => assertTusResumable(undefined))).toBe('tus_version_unsupported');
    expect(code(() => assertTusResumable('0.2.2'))).toBe('tus_version_unsupported');
  });

  it('reads Upload-Length from 1 to the maximum, and no deferred length', () => {
    expect(parseUploadLength('1', undefined)).toBe(1);
    expect(parseUploadLength(String(TUS_MAX_SIZE), undefined)).toBe(TUS_MAX_SIZE);
    for (const bad of [undefined, '0', '-1', '1.5', 'ten', String(TUS_MAX_SIZE + 1), ''])
      expect(code(() => parseUploadLength(bad, undefined))).toBe('upload_length_invalid');
    expect(code(() => parseUploadLength('10', '1'))).toBe('upload_length_invalid');
    expect(parseUploadOffset('0')).toBe(0);
    expect(code(() => parseUploadOffset('x'))).toBe('upload_length_invalid');
  });

  it('decodes any metadata a tus client encodes', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,15}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ maxLength: 40 })), (values) => {
        expect(parseUploadMetadata(encodeMetadata(values))).toEqual(values);
      }),
    );
    expect(parseUploadMetadata('flag,name bmFtZQ==')).toEqual({ flag: '', name: 'name' });
    for (const bad of ['a b c', 'a !!', 'a YQ==,a YQ==', ' , '])
      expect(code(() => parseUploadMetadata(bad))).toBe('upload_metadata_invalid');
  });

  it('reads a sha256 Upload-Checksum and refuses other algorithms', () => {
    const digest = createHash('sha256').update('x').digest();
    expect(parseUploadChecksum(`sha256 ${digest.toString('base64')}`)).toEqual(digest);
    expect(parseUploadChecksum(undefined)).toBeUndefined();
    for (const bad of ['md5 AAAA', 'sha1 AAAA', 'sha256', 'sha256 AAAA', `sha256 ${digest.toString('hex')}`])
      expect(code(() => parseUploadChecksum(bad))).toBe('checksum_algorithm_unsupported');
  });

  it('knows the upload body type and writes HTTP dates', () => {
    expect(isOffsetOctetStream('application/offset+octet-stream')).toBe(true);
    expect(isOffsetOctetStream('Application/Offset+Octet-Stream; charset=x')).toBe(true);
    expect(isOffsetOctetStream('application/octet-stream')).toBe(false);
    expect(httpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });
});

describe('upload target', () => {
  const values = { channel: 'alliance', dataset: 'dept-a/traffic', version: '3', mediaType: 'video/mp4' };

  it('takes channel, dataset, version and media type of our own dataset', () => {
    expect(uploadTargetOf(values, 'dept-a')).toEqual({ ...values, version: 3 });
    expect(uploadTargetOf({ ...values, filename: 'a.mp4' }, 'dept-a').filename).toBe('a.mp4');
  });

  it('refuses missing or invalid keys, and datasets of others', () => {
    expect(code(() => uploadTargetOf({ ...values, version: '0' }, 'dept-a'))).toBe('upload_metadata_invalid');
    expect(code(() => uploadTargetOf({ ...values, mediaType: 'Video/MP4' }, 'dept-a'))).toBe('upload_metadata_invalid');
    const { channel: _, ...noChannel } = values;
    expect(code(() => uploadTargetOf(noChannel, 'dept-a'))).toBe('upload_metadata_invalid');
    expect(code(() => uploadTargetOf(values, 'dept-b'))).toBe('not_owner');
  });
});
