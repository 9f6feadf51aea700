import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestNetwork, type TestNetwork } from '@accord/cli/testing';
import { expectJson, get, post, waitUntil, type CallingDepartment } from './testing/service-calls';

/*
 * The console end to end, as `accord up` serves it: the local network of
 * three departments with its founding alliance channel (quorum "majority"),
 * a dataset registered by one department and requested by another, a
 * provider-only token made with the ledger's token administration, a fourth
 * department applying to join, and Debian's chromium
 * (scripts/ensure-chromium.sh) driving the pages. Once on the embedded
 * default, once on the real Kafka, PostgreSQL and MinIO (sourced
 * infra.env). The front end is the built one (scripts/ensure-deps.sh).
 * Screenshots of every main page go to test-output/console/<mode>/.
 */

jest.setTimeout(300_000);

const SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'test-output', 'console');
const CHROMIUM = process.env.ACCORD_CHROMIUM ?? '/usr/bin/chromium';

describe.each([
  ['embedded default', false],
  ['real Kafka, PostgreSQL and MinIO', true],
])('the operator console on the %s', (_mode, cluster) => {
  let network: TestNetwork;
  let browser: Browser;
  let screenshots: string;
  let health: CallingDepartment & { readonly id: string };
  let transport: CallingDepartment & { readonly id: string };
  let dataset: string;
  let registerTxId: string;
  let requestTxId: string;
  let providerToken: string;

  beforeAll(async () => {
    network = await startTestNetwork({ cluster });
    [health, transport] = network.departments;
    screenshots = join(SCREENSHOTS, network.mode);
    await mkdir(screenshots, { recursive: true });
    dataset = `${transport.id}/road-works`;
    registerTxId = await registerDataset();
    requestTxId = await requestDataset();
    providerToken = await createProviderToken();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await network?.destroy();
  });

  async function registerDataset(): Promise<string> {
    const { txId } = await expectJson<{ txId: string }>(
      post(transport, 'catalog', `/v1/channels/${network.channel}/datasets`, {
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
      }),
      202,
      'registering the dataset',
    );
    await waitUntil('the dataset in the catalog of every department', async () => {
      for (const department of network.departments) {
        const search = (await (
          await get(department, 'catalog', `/v1/datasets?q=road&channel=${network.channel}`)
        ).json()) as { total: number };
        if (search.total !== 1) return false;
      }
      return true;
    });
    return txId;
  }

  async function requestDataset(): Promise<string> {
    const { results } = await expectJson<{ results: { txId: string }[] }>(
      post(health, 'catalog', '/v1/requests', { purpose: 'planning', duration: 'P30D', items: [{ dataset }] }),
      202,
      'requesting the dataset',
    );
    const txId = results[0].txId;
    await waitUntil('the decision on the request', async () => {
      const mine = (await (await get(health, 'catalog', '/v1/requests/mine')).json()) as {
        requests: { id: string }[];
      };
      return mine.requests.some((r) => r.id === txId);
    });
    return txId;
  }

  /** A provider-only token of transport, made by its sysadmin (the dev token) and known to every service. */
  async function createProviderToken(): Promise<string> {
    const { token, roles } = await expectJson<{ token: string; roles: string[] }>(
      post(transport, 'ledger', '/v1/admin/tokens', { name: 'console-provider', roles: ['provider'] }),
      201,
      'creating the provider token',
    );
    expect(roles).toEqual(['provider']);
    // The other services reload the token store: the gateway then answers 403 (known, wrong role), not 401.
    await waitUntil('the gateway to know the new token', async () => {
      const response = await get({ ...transport, token }, 'storage-gateway', '/v1/scrubber');
      await response.body?.cancel();
      return response.status === 403;
    });
    return token;
  }

  /** A fresh page that records script errors, CSP violations and failed calls (but the 403s `allowed`). */
  async function openPage(allowed: readonly RegExp[] = []): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Failed loads are judged by URL below; the console message does not name it.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(`console error: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !allowed.some((pattern) => pattern.test(response.url()))) {
        problems.push(`${response.status()} from ${response.url()}`);
      }
    });
    await page.goto(network.consoleUrl);
    return { page, problems };
  }

  async function logIn(page: Page, department: string, token: string): Promise<void> {
    await page.getByLabel('Department').selectOption(department);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
  }

  async function visit(page: Page, hash: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${network.consoleUrl}/${hash}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  }

  it('serves the page with a CSP that forbids inline scripts', async () => {
    const response = await fetch(network.consoleUrl);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('shows every page to a department token with all roles, and checks a proof with the policy quorum', async () => {
    const ids = network.departments.map((d) => d.id);
    const { page, problems } = await openPage();
    await logIn(page, health.id, health.token);

    await visit(page, '#/overview', 'Overview');
    await waitUntil('every department probed', async () => (await page.getByText('4/4 services ready').count()) === 3);
    const channelRow = page.getByRole('row').filter({ hasText: 'running' });
    await expect(channelRow.getByRole('cell').first().textContent()).resolves.toBe(network.channel);
    await screenshot(page, 'overview');

    await visit(page, '#/chain', `Chain of ${network.channel}`);
    await page.getByRole('link', { name: '#0', exact: true }).waitFor();
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBeGreaterThan(2);
    await screenshot(page, 'chain');

    // The founding channel's policy says "majority": 2 of the 3 members, as the ledger reports it.
    const policy = await expectJson<{ policy: { quorum: unknown }; finalityQuorum: number }>(
      get(health, 'ledger', `/v1/channels/${network.channel}/members`),
      200,
      'reading the channel policy',
    );
    expect([policy.policy.quorum, policy.finalityQuorum]).toEqual(['majority', 2]);

    await page.getByLabel('Find a block, a range or a tx').fill(registerTxId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { level: 1, name: 'Transaction' }).waitFor();
    await page.locator('dd .badge').filter({ hasText: 'valid' }).first().waitFor();
    await page.getByRole('button', { name: 'Verify in the browser' }).click();
    const verdict = page.getByTestId('proof-verdict');
    await verdict.waitFor();
    const attested = new RegExp(
      `^Proof VALID\\..*committed as valid; attested by ((${ids.join('|')})(, )?){2,3} \\(quorum ${policy.finalityQuorum}\\)`,
    );
    expect(await verdict.textContent()).toMatch(attested);
    expect(await page.getByTestId('proof-source').textContent()).toMatch(
      /^Keys and quorum: ledger proof bundle at height \d+: keys of 3 members; quorum 2 = channel policy "majority" of 3 active members\.$/,
    );
    await screenshot(page, 'tx');

    await page
      .getByRole('link', { name: /^#\d+$/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1, name: /^Block #\d+/ }).waitFor();
    await page.getByRole('cell', { name: 'dataset.register' }).waitFor();
    await page.getByText(/[23] of 2 required department attestations agree/).waitFor();
    await screenshot(page, 'block');

    await visit(page, '#/governance', `Governance of ${network.channel}`);
    for (const id of ids) await page.getByRole('row').filter({ hasText: id }).filter({ hasText: 'active' }).waitFor();
    await page.getByText('2 (policy: majority)').waitFor();
    await page.getByText('No open proposal.').waitFor();
    await screenshot(page, 'governance');

    await visit(page, '#/catalog', `Catalog of ${network.channel}`);
    await page.getByLabel('Search datasets').fill('road');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 dataset found for “road”').waitFor();
    await page.getByRole('cell', { name: dataset }).waitFor();
    await screenshot(page, 'catalog');

    await visit(page, '#/sharing', `Sharing on ${network.channel}`);
    const request = page.getByRole('listitem').filter({ hasText: dataset });
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
    for (const id of ids) await page.getByRole('row').filter({ hasText: id }).waitFor();
    await screenshot(page, 'points');

    await visit(page, '#/alerts', 'Alerts');
    await page.getByText('No fork, tamper or divergence alert.').waitFor();
    await page.getByText('No damaged or missing object.').waitFor();
    await screenshot(page, 'alerts');

    await visit(page, '#/health', 'Health');
    await waitUntil(
      'every service ready',
      async () => (await page.getByRole('cell', { name: 'ready', exact: true }).count()) === 4 * ids.length,
    );
    await screenshot(page, 'health');

    expect(problems).toEqual([]);
    await page.close();
  });

  it('tells a token with a limited role what it cannot read, and the services refuse it', async () => {
    const { page, problems } = await openPage();
    await logIn(page, transport.id, providerToken);
    await visit(page, '#/alerts', 'Alerts');
    const notice = page.locator('.notice-denied');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      "Not available for your roles. Reading the storage gateway's scrubber findings needs the operations role; your token has provider.",
    );
    await screenshot(page, 'alerts-provider-role');
    const direct = await fetch(`${network.consoleUrl}/api/${transport.id}/storage-gateway/v1/scrubber`, {
      headers: { authorization: `Bearer ${providerToken}` },
    });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { error: string }).error).toBe('forbidden');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows an open join proposal with its votes on the Governance page', async () => {
    const founders = network.departments.map((d) => d.id);
    // A fourth department joins the running network (the console restarts with it) and applies.
    const applicantId = `education${network.channel.slice('alliance'.length)}`;
    await expectJson(
      fetch(`${network.controlUrl}/v1/network/departments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${network.controlToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: applicantId }),
      }),
      201,
      'adding the applicant department',
    );
    const applicant = network.departments.find((d) => d.id === applicantId)!;
    await expectJson(post(applicant, 'ledger', `/v1/channels/${network.channel}/join`, {}), 202, 'requesting to join');
    type Open = { proposals: { id: string; type: string; applicant?: { id: string }; votes: { member: string }[] }[] };
    const openJoin = async (): Promise<Open['proposals'][number] | undefined> => {
      const { proposals } = await expectJson<Open>(
        get(health, 'ledger', `/v1/channels/${network.channel}/proposals`),
        200,
        'reading proposals',
      );
      return proposals.find((p) => p.type === 'member.join' && p.applicant?.id === applicantId);
    };
    await waitUntil('the join proposal', async () => (await openJoin()) !== undefined);
    const proposal = (await openJoin())!;
    // One approval of three: the proposal stays open (approved at 2).
    await expectJson(
      post(health, 'ledger', `/v1/channels/${network.channel}/proposals/${proposal.id}/votes`, { approve: true }),
      202,
      'voting for the applicant',
    );
    await waitUntil('the vote in the proposal', async () => (await openJoin())?.votes.length === 1);

    const { page, problems } = await openPage();
    await logIn(page, health.id, health.token);
    await visit(page, '#/governance', `Governance of ${network.channel}`);
    const card = page.getByRole('listitem', { name: `Admission of ${applicantId}` });
    await card.waitFor();
    await card.getByText(`proposed by ${applicantId}`).waitFor();
    await expect(card.getByRole('link', { name: 'proposal tx' }).getAttribute('href')).resolves.toBe(
      `#/tx?id=${proposal.id}`,
    );
    const votes = card.getByRole('table', { name: `Votes on: Admission of ${applicantId}` });
    await expect(votes.getByRole('row').nth(1).getByRole('cell').allTextContents()).resolves.toEqual([
      health.id,
      'approve',
      expect.stringMatching(/^#\d+$/),
    ]);
    await expect(votes.getByRole('row').count()).resolves.toBe(2);
    await card.getByText('1 yes, 0 no of 3 members: approved at 2 yes, rejected at 2 no.').waitFor();
    const notVoted = founders.filter((id) => id !== health.id).sort();
    await card.getByText(`Not voted yet: ${notVoted.join(', ')}.`).waitFor();
    await screenshot(page, 'governance-proposal');
    expect(problems).toEqual([]);
    await page.close();
  });
});
