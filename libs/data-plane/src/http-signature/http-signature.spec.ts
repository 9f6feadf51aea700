import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fc from 'fast-check';
import { generateEd25519KeyPair, signEd25519, verifyEd25519 } from '@accord/protocol';
import { DataPlaneError, DataPlaneErrorCode } from '../errors/data-plane.errors';
import { signRequest, TRANSFER_COVERED_COMPONENTS, TRANSFER_SIGNATURE_TAG } from './http-signature.signer';
import { SignableRequest, SignatureParams, VerifySignatureOptions } from './http-signature.types';
import { MAX_CLOCK_SKEW_SECONDS, verifyRequestSignature } from './http-signature.verifier';
import { signatureBase } from './signature-base.builder';
import { parseSignatureHeaders } from './signature-headers.parser';
import { parseSfDictionary } from './structured-field.codec';

function codeOf(run: () => unknown): DataPlaneErrorCode | 'ok' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof DataPlaneError) return error.code;
    throw error;
  }
}

const base64urlToHex = (value: string): string => Buffer.from(value, 'base64url').toString('hex');

describe('RFC 9421 Appendix B.2.6 (Signing a Request Using ed25519)', () => {
  // Appendix B.1.4, test-key-ed25519, as PKCS#8 / SPKI DER (the PEM bodies).
  const privateJwk = createPrivateKey({
    key: Buffer.from('MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF', 'base64'),
    format: 'der',
    type: 'pkcs8',
  }).export({ format: 'jwk' });
  const publicJwk = createPublicKey({
    key: Buffer.from('MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=', 'base64'),
    format: 'der',
    type: 'spki',
  }).export({ format: 'jwk' });
  const privateKeyHex = base64urlToHex(privateJwk.d as string);
  const publicKeyHex = base64urlToHex(publicJwk.x as string);

  // Appendix B.2: POST /foo?param=Value&Pet=dog HTTP/1.1, Host: example.com.
  const request: SignableRequest = {
    method: 'POST',
    path: '/foo',
    query: 'param=Value&Pet=dog',
    headers: {
      host: 'example.com',
      date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'content-type': 'application/json',
      'content-digest':
        'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      'content-length': '18',
      'signature-input':
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      signature: 'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
    },
  };
  const expectedBase = [
    '"date": Tue, 20 Apr 2021 02:07:55 GMT',
    '"@method": POST',
    '"@path": /foo',
    '"@authority": example.com',
    '"content-type": application/json',
    '"content-length": 18',
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
  ].join('\n');
  const expectedSignature = 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

  it('parses the Signature-Input and Signature fields', () => {
    const parsed = parseSignatureHeaders(request.headers);
    expect(parsed.label).toBe('sig-b26');
    expect(parsed.components).toEqual(['date', '@method', '@path', '@authority', 'content-type', 'content-length']);
    expect(parsed.params).toEqual({ created: 1618884473, keyId: 'test-key-ed25519' });
    expect(Buffer.from(parsed.signature).toString('base64')).toBe(expectedSignature);
  });

  it('rebuilds the signature base byte for byte', () => {
    const parsed = parseSignatureHeaders(request.headers);
    expect(signatureBase(request, parsed.components, parsed.signatureParamsValue)).toBe(expectedBase);
  });

  it('signs the base to exactly the published signature (Ed25519 is deterministic)', () => {
    const signatureHex = signEd25519(privateKeyHex, Buffer.from(expectedBase, 'ascii'));
    expect(Buffer.from(signatureHex, 'hex').toString('base64')).toBe(expectedSignature);
    expect(verifyEd25519(publicKeyHex, Buffer.from(expectedBase, 'ascii'), signatureHex)).toBe(true);
  });

  it('takes @authority from the authority when given, lower-cased', () => {
    const parsed = parseSignatureHeaders(request.headers);
    const withAuthority = { ...request, authority: 'EXAMPLE.com', headers: { ...request.headers, host: undefined } };
    expect(signatureBase(withAuthority, parsed.components, parsed.signatureParamsValue)).toBe(expectedBase);
  });
});

describe('transfer request signatures', () => {
  const department = generateEd25519KeyPair(() => new Uint8Array(32).fill(7));
  const other = generateEd25519KeyPair(() => new Uint8Array(32).fill(9));
  const now = 1_700_000_000;
  const params: SignatureParams = {
    created: now,
    expires: now + 60,
    nonce: 'n-5f1c2a',
    keyId: 'dept-radiology',
    tag: TRANSFER_SIGNATURE_TAG,
  };
  const unsigned: SignableRequest = {
    method: 'GET',
    path: '/v1/objects/obj-42/data',
    query: 'grant=g-1&v=2',
    headers: { 'accord-grant': 'g-1.eyJ0eXAiOiJncmFudCJ9', range: 'bytes=0-1048575', host: 'gw.example' },
  };
  const options: VerifySignatureOptions = {
    now: now + 5,
    maxAgeSeconds: 300,
    maxValiditySeconds: 600,
    tag: TRANSFER_SIGNATURE_TAG,
    requiredComponents: TRANSFER_COVERED_COMPONENTS,
    publicKeyOf: (keyId) => (keyId === 'dept-radiology' ? department.publicKey : undefined),
  };

  const signed = (request: SignableRequest = unsigned, p: SignatureParams = params): SignableRequest => ({
    ...request,
    headers: { ...request.headers, ...signRequest(request, p, department.privateKey) },
  });
  const verifyCode = (request: SignableRequest, o: Partial<VerifySignatureOptions> = {}) =>
    codeOf(() => verifyRequestSignature(request, { ...options, ...o }));

  it('writes the Signature-Input our profile defines', () => {
    const headers = signRequest(unsigned, params, department.privateKey);
    expect(headers['signature-input']).toBe(
      'sig1=("@method" "@path" "@query" "accord-grant" "range");created=1700000000;expires=1700000060;' +
        'nonce="n-5f1c2a";keyid="dept-radiology";alg="ed25519";tag="accord-transfer"',
    );
    // A fixed vector for second implementations (docs/data-plane-transfer.md): seed 07..07, Ed25519 is deterministic.
    expect(headers.signature).toBe(
      'sig1=:1D4paoAugcj52+NQKAccNzgsY9S5sOr5ih1SQDFCz1ruhxMpT8R27ODSST0CWlwrnFgPXy3tkwyTLb+/mN7OCw==:',
    );
  });

  it('builds the base with the @signature-params line last and no trailing newline', () => {
    const components = [...TRANSFER_COVERED_COMPONENTS, 'range'];
    expect(signatureBase(unsigned, components, params)).toBe(
      [
        '"@method": GET',
        '"@path": /v1/objects/obj-42/data',
        '"@query": ?grant=g-1&v=2',
        '"accord-grant": g-1.eyJ0eXAiOiJncmFudCJ9',
        '"range": bytes=0-1048575',
        '"@signature-params": ("@method" "@path" "@query" "accord-grant" "range");created=1700000000;' +
          'expires=1700000060;nonce="n-5f1c2a";keyid="dept-radiology";alg="ed25519";tag="accord-transfer"',
      ].join('\n'),
    );
  });

  it('derives component values per RFC 9421 §2.1-2.2', () => {
    const request: SignableRequest = {
      method: 'GET',
      path: '',
      query: '',
      headers: { 'accord-grant': ['  a ', 'b\t'], x: 'one\r\n  two' },
    };
    expect(signatureBase(request, ['@path', '@query', 'accord-grant', 'x'], 'P')).toBe(
      '"@path": /\n"@query": ?\n"accord-grant": a, b\n"x": one two\n"@signature-params": P',
    );
  });

  it('verifies its own signature and returns the signer and window', () => {
    expect(verifyRequestSignature(signed(), options)).toEqual({
      keyId: 'dept-radiology',
      created: now,
      expires: now + 60,
      nonce: 'n-5f1c2a',
    });
  });

  it('covers the first four components only when the request has no Range', () => {
    const noRange = { ...unsigned, headers: { 'accord-grant': 'g-1' } };
    const headers = signRequest(noRange, params, department.privateKey);
    expect(headers['signature-input']).toMatch(/^sig1=\("@method" "@path" "@query" "accord-grant"\);/);
    expect(verifyCode({ ...noRange, headers: { ...noRange.headers, ...headers } })).toBe('ok');
  });

  describe('refuses any tampering', () => {
    const request = signed();
    const cases: Array<[string, SignableRequest]> = [
      ['method', { ...request, method: 'POST' }],
      ['path', { ...request, path: '/v1/objects/obj-43/data' }],
      ['query', { ...request, query: 'grant=g-2&v=2' }],
      ['query removed', { ...request, query: '' }],
      ['grant', { ...request, headers: { ...request.headers, 'accord-grant': 'g-2.eyJ0eXAiOiJncmFudCJ9' } }],
      ['range', { ...request, headers: { ...request.headers, range: 'bytes=0-2097151' } }],
    ];
    it.each(cases)('%s', (_, tampered) => {
      expect(verifyCode(tampered)).toBe('signature.invalid');
    });

    const withInput = (edit: (input: string) => string): SignableRequest => ({
      ...request,
      headers: { ...request.headers, 'signature-input': edit(request.headers['signature-input'] as string) },
    });
    const paramCases: Array<[string, (input: string) => string]> = [
      ['created', (s) => s.replace('created=1700000000', 'created=1700000001')],
      ['expires', (s) => s.replace('expires=1700000060', 'expires=1700000061')],
      ['nonce', (s) => s.replace('n-5f1c2a', 'n-5f1c2b')],
      ['an added unknown parameter', (s) => `${s};foo=?1`],
      ['component order', (s) => s.replace('"@method" "@path"', '"@path" "@method"')],
      ['whitespace', (s) => s.replace('"@method" "@path"', '"@method"  "@path"')],
    ];
    it.each(paramCases)('parameter: %s', (_, edit) => {
      expect(verifyCode(withInput(edit))).toBe('signature.invalid');
    });

    it('keyid moved to another known key', () => {
      const tampered = withInput((s) => s.replace('dept-radiology', 'dept-oncology'));
      expect(verifyCode(tampered, { publicKeyOf: () => other.publicKey })).toBe('signature.invalid');
    });

    it('any bit of the signature', () => {
      const signature = Buffer.from(parseSignatureHeaders(request.headers).signature);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: signature.length * 8 - 1 }), (bit) => {
          const flipped = Buffer.from(signature);
          flipped[bit >> 3] ^= 1 << (bit & 7);
          const tampered = {
            ...request,
            headers: { ...request.headers, signature: `sig1=:${flipped.toString('base64')}:` },
          };
          expect(verifyCode(tampered)).toBe('signature.invalid');
        }),
      );
    });

    it('a signature by another key under our keyid', () => {
      const forged = {
        ...unsigned,
        headers: { ...unsigned.headers, ...signRequest(unsigned, params, other.privateKey) },
      };
      expect(verifyCode(forged)).toBe('signature.invalid');
    });
  });

  it('keeps unknown parameters in the base as received', () => {
    const input =
      '("@method" "@path" "@query" "accord-grant" "range");created=1700000000;x-ext=?1;expires=1700000060;' +
      'nonce="n";keyid="dept-radiology";tag="accord-transfer";weight=1.5';
    const components = [...TRANSFER_COVERED_COMPONENTS, 'range'];
    const base = signatureBase(unsigned, components, input);
    const signature = Buffer.from(signEd25519(department.privateKey, Buffer.from(base)), 'hex').toString('base64');
    const request = {
      ...unsigned,
      headers: { ...unsigned.headers, 'signature-input': `sig1=${input}`, signature: `sig1=:${signature}:` },
    };
    expect(verifyRequestSignature(request, options).nonce).toBe('n');
  });

  describe('time window', () => {
    const request = signed();
    it.each<[string, Partial<VerifySignatureOptions>, DataPlaneErrorCode | 'ok']>([
      ['at created', { now }, 'ok'],
      ['just before expires', { now: now + 59 }, 'ok'],
      ['at expires', { now: now + 60 }, 'signature.expired'],
      ['after expires', { now: now + 61 }, 'signature.expired'],
      ['older than maxAgeSeconds', { now: now + 31, maxAgeSeconds: 30 }, 'signature.expired'],
      ['exactly maxAgeSeconds old', { now: now + 30, maxAgeSeconds: 30 }, 'ok'],
      ['created within the clock skew', { now: now - MAX_CLOCK_SKEW_SECONDS }, 'ok'],
      ['created beyond the clock skew', { now: now - MAX_CLOCK_SKEW_SECONDS - 1 }, 'signature.expired'],
      ['validity longer than allowed', { maxValiditySeconds: 59 }, 'signature.expired'],
    ])('%s', (_, o, expected) => {
      expect(verifyCode(request, o)).toBe(expected);
    });

    it('refuses a signature without expires', () => {
      const input =
        '("@method" "@path" "@query" "accord-grant" "range");created=1700000000;nonce="n";keyid="dept-radiology";tag="accord-transfer"';
      const base = signatureBase(unsigned, [...TRANSFER_COVERED_COMPONENTS, 'range'], input);
      const signature = Buffer.from(signEd25519(department.privateKey, Buffer.from(base)), 'hex').toString('base64');
      const noExpiry = {
        ...unsigned,
        headers: { ...unsigned.headers, 'signature-input': `sig1=${input}`, signature: `sig1=:${signature}:` },
      };
      expect(verifyCode(noExpiry)).toBe('signature.expired');
    });
  });

  it('refuses a signature made for another purpose', () => {
    expect(verifyCode(signed(unsigned, { ...params, tag: 'accord-other' }))).toBe('signature.invalid');
    expect(verifyCode(signed(), { tag: 'accord-other' })).toBe('signature.invalid');
  });

  it('refuses another algorithm', () => {
    const request = signed();
    const input = (request.headers['signature-input'] as string).replace('alg="ed25519"', 'alg="rsa-pss-sha512"');
    expect(verifyCode({ ...request, headers: { ...request.headers, 'signature-input': input } })).toBe(
      'signature.invalid',
    );
  });

  it('refuses an unknown keyid', () => {
    expect(verifyCode(signed(unsigned, { ...params, keyId: 'dept-unknown' }))).toBe('signature.unknown_key');
  });

  it('refuses a signature that does not cover the Range the request carries', () => {
    const noRange = { ...unsigned, headers: { 'accord-grant': 'g-1' } };
    const headers = signRequest(noRange, params, department.privateKey);
    const withRange = { ...noRange, headers: { ...noRange.headers, ...headers, range: 'bytes=0-9' } };
    expect(verifyCode(withRange)).toBe('signature.components');
  });

  it('refuses a signature missing a required component', () => {
    expect(verifyCode(signed(), { requiredComponents: [...TRANSFER_COVERED_COMPONENTS, 'date'] })).toBe(
      'signature.components',
    );
  });

  it('refuses unsignable parameters and a request without a grant', () => {
    const sign = (request: SignableRequest, p: SignatureParams) =>
      codeOf(() => signRequest(request, p, department.privateKey));
    expect(sign({ ...unsigned, headers: {} }, params)).toBe('signature.invalid_argument');
    expect(sign(unsigned, { ...params, expires: params.created })).toBe('signature.invalid_argument');
    expect(sign(unsigned, { ...params, created: 1.5 })).toBe('signature.invalid_argument');
    expect(sign(unsigned, { ...params, nonce: '' })).toBe('signature.invalid_argument');
    expect(sign(unsigned, { ...params, nonce: 'é' })).toBe('signature.invalid_argument');
    expect(sign(unsigned, { ...params, keyId: 'line\nbreak' })).toBe('signature.invalid_argument');
  });

  describe('malformed fields', () => {
    const good = signed();
    const goodInput = good.headers['signature-input'] as string;
    const goodSignature = good.headers.signature as string;
    it.each<[string, Record<string, string | undefined>, DataPlaneErrorCode]>([
      ['no fields', { 'signature-input': undefined, signature: undefined }, 'signature.missing'],
      ['no Signature', { signature: undefined }, 'signature.missing'],
      ['empty Signature-Input', { 'signature-input': '' }, 'signature.missing'],
      ['label mismatch', { signature: goodSignature.replace('sig1', 'sig2') }, 'signature.malformed'],
      ['two signatures', { 'signature-input': `${goodInput}, sig2=();created=1` }, 'signature.malformed'],
      ['not an inner list', { 'signature-input': 'sig1="@method";created=1' }, 'signature.malformed'],
      ['token component', { 'signature-input': 'sig1=(@method);created=1' }, 'signature.malformed'],
      ['unterminated list', { 'signature-input': 'sig1=("@method"' }, 'signature.malformed'],
      ['trailing comma', { 'signature-input': `${goodInput},` }, 'signature.malformed'],
      [
        'created as string',
        { 'signature-input': goodInput.replace('created=1700000000', 'created="1"') },
        'signature.malformed',
      ],
      [
        'keyid as token',
        { 'signature-input': goodInput.replace('keyid="dept-radiology"', 'keyid=dept') },
        'signature.malformed',
      ],
      ['repeated component', { 'signature-input': goodInput.replace('"@query"', '"@path"') }, 'signature.malformed'],
      [
        'component parameter',
        { 'signature-input': goodInput.replace('"range"', '"range";sf') },
        'signature.components',
      ],
      ['signature not binary', { signature: 'sig1="abc"' }, 'signature.malformed'],
      ['signature bad base64', { signature: 'sig1=:ab$c:' }, 'signature.malformed'],
      ['signature unterminated', { signature: 'sig1=:abc' }, 'signature.malformed'],
      ['upper-case label', { 'signature-input': goodInput.replace('sig1', 'Sig1') }, 'signature.malformed'],
      ['non-ASCII', { 'signature-input': goodInput.replace('n-5f1c2a', 'n-5f1c2ä') }, 'signature.malformed'],
    ])('%s', (_, headers, expected) => {
      expect(verifyCode({ ...good, headers: { ...good.headers, ...headers } })).toBe(expected);
    });

    it('never throws anything but a DataPlaneError on arbitrary fields', () => {
      const fragment = fc.oneof(
        fc.string(),
        fc.constantFrom(
          'sig1=',
          '(',
          ')',
          '"',
          ':',
          ';',
          ',',
          ' ',
          '=',
          '?1',
          '-',
          '.',
          '\\',
          '"@method"',
          'created=1',
        ),
      );
      const field = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
      fc.assert(
        fc.property(field, field, (input, signature) => {
          const code = verifyCode({ ...good, headers: { ...good.headers, 'signature-input': input, signature } });
          expect(code).not.toBe('ok');
        }),
        { numRuns: 2000 },
      );
    });
  });
});

describe('RFC 8941 dictionary parsing', () => {
  it.each([
    ['a=1, b=2;x=?0, c', ['a', 'b', 'c']],
    ['a=1,b=2', ['a', 'b']],
    ['a=1 ,\tb=2', ['a', 'b']],
    ['a=(1 2), b=("x" y);p=-1.5', ['a', 'b']],
    ['a=1, a=2', ['a']],
    ['  a=1  ', ['a']],
  ])('accepts %j', (input, keys) => {
    expect([...parseSfDictionary(input).keys()]).toEqual(keys);
  });

  it('keeps the last of a repeated key and the raw member text', () => {
    const members = parseSfDictionary('a=1, b=( "x"  y );p="q", a=("z")');
    expect(members.get('a')?.raw).toBe('("z")');
    expect(members.get('b')?.raw).toBe('( "x"  y );p="q"');
  });

  it.each([
    'a=1,',
    'a=1 b=2',
    'A=1',
    'a=1234567890123456',
    'a=1.2345',
    'a=1.',
    'a=1234567890123.1',
    'a="\\x"',
    'a="unterminated',
    'a=?2',
    'a=(1 2',
    'a=(1,2)',
    'a=@',
    'a=:ab',
    'a=1;B=2',
    ',a=1',
  ])('refuses %j', (input) => {
    expect(codeOf(() => parseSfDictionary(input))).toBe('signature.malformed');
  });
});
