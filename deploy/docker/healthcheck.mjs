// The images' HEALTHCHECK: GET http://127.0.0.1:$ACCORD_HTTP_PORT/health/live
// (or the path given as the first argument), exit 0 on a 2xx answer and 1
// otherwise. Plain Node.js without dependencies, because the distroless
// runtime image has no shell, curl or wget. An ES module (.mjs) so it needs
// no package.json beside it.
import { get } from 'node:http';

const TIMEOUT_MS = 3000;
const port = Number(process.env.ACCORD_HTTP_PORT);
const path = process.argv[2] || '/health/live';

function fail(reason) {
  process.stderr.write(`health check failed: ${reason}\n`);
  process.exit(1);
}

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail(`ACCORD_HTTP_PORT must be a port number, got ${JSON.stringify(process.env.ACCORD_HTTP_PORT)}`);
}

const request = get({ host: '127.0.0.1', port, path, timeout: TIMEOUT_MS }, (response) => {
  response.resume();
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) process.exit(0);
  fail(`GET ${path} answered ${status}`);
});
request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
request.on('error', (error) => fail(`GET ${path}: ${error.message}`));
