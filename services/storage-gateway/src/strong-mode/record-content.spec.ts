import { MAX_STRONG_RECORD_BYTES } from '@accord/data-plane';
import { recordPlaintext } from './record-content';

describe('strong-mode record content', () => {
  it('encrypts the UTF-8 bytes of the content', () => {
    expect(recordPlaintext('application/json', '{"name":"Zoë"}')).toEqual(Buffer.from('{"name":"Zoë"}', 'utf8'));
    expect(recordPlaintext('text/csv', 'a,b\n1,2\n')).toEqual(Buffer.from('a,b\n1,2\n'));
  });

  it('takes up to MAX_STRONG_RECORD_BYTES bytes (counted in UTF-8, not characters)', () => {
    expect(recordPlaintext('text/csv', 'x'.repeat(MAX_STRONG_RECORD_BYTES))).toHaveLength(MAX_STRONG_RECORD_BYTES);
    expect(() => recordPlaintext('text/csv', 'x'.repeat(MAX_STRONG_RECORD_BYTES + 1))).toThrow(
      expect.objectContaining({ code: 'record_too_large' }),
    );
    // 2 bytes per "é": half as many characters fill the limit.
    expect(() => recordPlaintext('text/csv', 'é'.repeat(MAX_STRONG_RECORD_BYTES / 2 + 1))).toThrow(
      expect.objectContaining({ code: 'record_too_large' }),
    );
  });

  it('refuses JSON that does not parse, and takes CSV as text', () => {
    expect(() => recordPlaintext('application/json', '{"name":')).toThrow(
      expect.objectContaining({ code: 'record_content_invalid' }),
    );
    expect(() => recordPlaintext('application/json', '')).toThrow(
      expect.objectContaining({ code: 'record_content_invalid' }),
    );
    expect(recordPlaintext('text/csv', '{"name":')).toEqual(Buffer.from('{"name":'));
  });
});
