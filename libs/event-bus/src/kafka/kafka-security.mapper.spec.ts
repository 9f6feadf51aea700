import { kafkaSecurityOptions, kafkaSecurityProblems } from './kafka-security.mapper';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('Kafka security options', () => {
  it('is plain TCP without authentication when neither is configured', () => {
    expect(kafkaSecurityOptions({})).toEqual({});
  });

  it('turns TLS on with the system CAs, or with the given CA only', () => {
    expect(kafkaSecurityOptions({ tls: {} })).toEqual({ ssl: true });
    expect(kafkaSecurityOptions({ tls: { ca: CA } })).toEqual({ ssl: { ca: [CA] } });
  });

  it('passes SCRAM and PLAIN credentials to kafkajs', () => {
    const sasl = { mechanism: 'scram-sha-512', username: 'health', password: 'pw' } as const;
    expect(kafkaSecurityOptions({ tls: { ca: CA }, sasl })).toEqual({ ssl: { ca: [CA] }, sasl });
    expect(kafkaSecurityOptions({ sasl: { ...sasl, mechanism: 'plain' } }).sasl).toEqual({
      ...sasl,
      mechanism: 'plain',
    });
  });

  it('names every invalid setting and never the password', () => {
    const problems = kafkaSecurityProblems({
      tls: { ca: '' },
      sasl: { mechanism: 'gssapi' as never, username: '', password: '' },
    });
    expect(problems).toEqual([
      'tls must be {} or {ca: <PEM string>}',
      'sasl.mechanism must be one of scram-sha-512, scram-sha-256, plain',
      'sasl.username must be a non-empty string',
      'sasl.password must be a non-empty string',
    ]);
    expect(
      kafkaSecurityProblems({ tls: {}, sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } }),
    ).toEqual([]);
  });
});
