import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebBundle } from './build/web-bundle';
import { startConsoleServer, type RunningConsole } from './server/console.server';
import {
  get,
  post,
  startConsoleTestNetwork,
  waitUntil,
  type ConsoleTestNetwork,
  type TestDepartment,
} from './testing/console-network.fixture';

/*
 * The console end to end: two departments on one embedded log with an
 * alliance channel, a dataset registered by one and requested by the
 * other, the console server in front of both, and Debian's chromium
 * (scripts/ensure-chromium.sh) driving the pages. Screenshots of every
 * main page go to test-output/console/.
 */

jest.setTimeout(240_000);

const SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'test-output', 'console');
const CHROMIUM = process.env.ACCORD_CHROMIUM ?? '/usr/bin/chromium';

let dataDir: string;
let webDir: string;
let network: ConsoleTestNetwork;
let consoleServer: RunningConsole;
let browser: Browser;
let health: TestDepartment;
let transport: TestDepartment;
let registerTxId: string;
let requestTxId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'accord-console-e2e-'));
  webDir = join(dataDir, 'web');
  await Promise.all([buildWebBundle(webDir), mkdir(SCREENSHOTS, { recursive: true })]);
  network = await startConsoleTestNetwork(dataDir, ['health', 'transport']);
  [health, transport] = network.departments;
  registerTxId = await registerDataset(transport, network.channel);
  requestTxId = await requestDataset(health, 'transport/road-works');
  consoleServer = await startConsoleServer({
    host: '127.0.0.1',
    port: 0,
    departments: network.departments.map(({ id, urls }) => ({ id, urls })),
    webDir,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await consoleServer?.close();
  await network?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function registerDataset(owner: TestDepartment, channel: string): Promise<string> {
  const response = await post(owner, 'catalog', `/v1/channels/${channel}/datasets`, {
    name: 'road-works',
    title: 'Road works',
    description: 'Every road work permit of the city, with its location and period.',
    domain: 'transport',
    dataType: 'table',
    sensitivity: 'internal',
    volumeBytes: 4096,
    updateFrequency: 'daily',
    governance: 'light',
    contentHash: '1'.repeat(64),
    policy: { '@context': 'http://www.w3.org/ns/odrl.jsonld', '@type': 'Offer', permission: [{ action: 'use' }] },
  });
  const body = (await response.json()) as { txId: string };
  expect(response.status).toBe(202);
  await waitUntil('the dataset in the catalog of every department', async () => {
    for (const department of network.departments) {
      const search = (await (await get(department, 'catalog', '/v1/datasets?q=road')).json()) as { total: number };
      if (search.total !== 1) return false;
    }
    return true;
  });
  return body.txId;
}

async function requestDataset(requester: TestDepartment, dataset: string): Promise<string> {
  const response = await post(requester, 'catalog', '/v1/requests', {
    purpose: 'planning',
    duration: 'P30D',
    items: [{ dataset }],
  });
  expect(response.status).toBe(202);
  const txId = ((await response.json()) as { results: { txId: string }[] }).results[0].txId;
  await waitUntil('the decision on the request', async () => {
    const mine = (await (await get(requester, 'catalog', '/v1/requests/mine')).json()) as {
      requests: { id: string; status: string }[];
    };
    return mine.requests.some((r) => r.id === txId);
  });
  return txId;
}

/**
 * A fresh page that records script errors, CSP violations and failed calls,
 * except the proof bundle's 404 while the ledger has no such route (the
 * console then assembles the proof material itself) and the 403s `allowed`.
 */
async function openPage(allowed: readonly RegExp[] = []): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const expected = [/\/proof-bundle\?/, ...allowed];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Failed loads are judged by URL below; the console message does not name it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !expected.some((pattern) => pattern.test(response.url()))) {
      problems.push(`${response.status()} from ${response.url()}`);
    }
  });
  await page.goto(consoleServer.url);
  return { page, problems };
}

async function logIn(page: Page, department: string, token: string): Promise<void> {
  await page.getByLabel('Department').selectOption(department);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
}

async function visit(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${consoleServer.url}/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('the operator console', () => {
  it('serves the page with a CSP that forbids inline scripts', async () => {
    const response = await fetch(consoleServer.url);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('shows every page to a department token with all roles', async () => {
    const { page, problems } = await openPage();
    await logIn(page, 'health', health.token);

    await visit(page, '#/overview', 'Overview');
    await waitUntil('both departments probed', async () => (await page.getByText('4/4 services ready').count()) === 2);
    const channelRow = page.getByRole('row').filter({ hasText: 'running' });
    await expect(channelRow.getByRole('cell').first().textContent()).resolves.toBe(network.channel);
    await screenshot(page, 'overview');

    await visit(page, '#/chain', `Chain of ${network.channel}`);
    await page.getByRole('link', { name: '#0', exact: true }).waitFor();
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBeGreaterThan(2);
    await screenshot(page, 'chain');

    await page.getByLabel('Find a block, a range or a tx').fill(registerTxId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { level: 1, name: 'Transaction' }).waitFor();
    await page.locator('dd .badge').filter({ hasText: 'valid' }).first().waitFor();
    await page.getByRole('button', { name: 'Verify in the browser' }).click();
    const verdict = page.getByTestId('proof-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(
      /^Proof VALID\..*committed as valid; attested by health, transport \(quorum 2\)/,
    );
    await screenshot(page, 'tx');

    await page
      .getByRole('link', { name: /^#\d+$/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1, name: /^Block #\d+/ }).waitFor();
    await page.getByRole('cell', { name: 'dataset.register' }).waitFor();
    await page.getByText(/2 of 2 required department attestations agree/).waitFor();
    await screenshot(page, 'block');

    await visit(page, '#/governance', `Governance of ${network.channel}`);
    await page.getByRole('row').filter({ hasText: 'transport' }).filter({ hasText: 'active' }).waitFor();
    await page.getByText('No open proposal.').waitFor();
    await screenshot(page, 'governance');

    await visit(page, '#/catalog', `Catalog of ${network.channel}`);
    await page.getByLabel('Search datasets').fill('road');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 dataset found for “road”').waitFor();
    await page.getByRole('cell', { name: 'transport/road-works' }).waitFor();
    await screenshot(page, 'catalog');

    await visit(page, '#/sharing', `Sharing on ${network.channel}`);
    const request = page.getByRole('listitem').filter({ hasText: 'transport/road-works' });
    await request.waitFor();
    await expect(request.getByRole('link', { name: 'request tx' }).getAttribute('href')).resolves.toBe(
      `#/tx?id=${requestTxId}`,
    );
    await request.locator('summary').click();
    await expect(request.getByText(/^Decision: /).textContent()).resolves.toMatch(/^Decision: \w+/);
    await request.getByRole('cell', { name: 'dataset_known' }).waitFor();
    await page.getByRole('cell', { name: 'access.request' }).waitFor();
    await screenshot(page, 'sharing');

    await visit(page, '#/points', `Points and levels on ${network.channel}`);
    for (const department of ['health', 'transport'])
      await page.getByRole('row').filter({ hasText: department }).waitFor();
    await screenshot(page, 'points');

    await visit(page, '#/alerts', 'Alerts');
    await page.getByText('No fork, tamper or divergence alert.').waitFor();
    await page.getByText('No damaged or missing object.').waitFor();
    await screenshot(page, 'alerts');

    await visit(page, '#/health', 'Health');
    await waitUntil(
      'every service ready',
      async () => (await page.getByRole('cell', { name: 'ready', exact: true }).count()) === 8,
    );
    await screenshot(page, 'health');

    expect(problems).toEqual([]);
    await page.close();
  });

  it('tells a token with a limited role what it cannot read, and the services refuse it', async () => {
    const { page, problems } = await openPage();
    await logIn(page, 'transport', transport.providerToken);
    await visit(page, '#/alerts', 'Alerts');
    const notice = page.locator('.notice-denied');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      "Not available for your roles. Reading the storage gateway's scrubber findings needs the operations role; your token has provider.",
    );
    await screenshot(page, 'alerts-provider-role');
    const direct = await fetch(`${consoleServer.url}/api/transport/storage-gateway/v1/scrubber`, {
      headers: { authorization: `Bearer ${transport.providerToken}` },
    });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { error: string }).error).toBe('forbidden');
    expect(problems).toEqual([]);
    await page.close();
  });
});
