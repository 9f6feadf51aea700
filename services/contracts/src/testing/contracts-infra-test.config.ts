/**
 * The one place the contracts integration tests read the real servers'
 * settings, recorded by scripts/infra in ~/.cache/accord/run/infra.env and
 * sourced by the test runner. A missing setting fails the test: integration
 * tests never skip.
 */
export function contractsInfraForTest(): { readonly pgUrl: string; readonly kafkaBrokers: string } {
  const pgUrl = process.env['ACCORD_TEST_PG_URL'];
  const brokers = process.env['ACCORD_TEST_KAFKA_BROKERS'];
  const missing = [!pgUrl && 'ACCORD_TEST_PG_URL', !brokers?.trim() && 'ACCORD_TEST_KAFKA_BROKERS'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} not set: start the servers with \`bash scripts/infra/up.sh\`, then ` +
        '`source ~/.cache/accord/run/infra.env` (scripts/test.sh does both)',
    );
  }
  return {
    pgUrl: pgUrl as string,
    kafkaBrokers: (brokers as string)
      .split(',')
      .map((b) => b.trim())
      .join(','),
  };
}
