import { channelConfigSchema, type ChannelConfig } from '@accord/ledger-core';
import { validateBlock, type Block } from '@accord/protocol';
import { AccordError } from '../errors/accord.errors';

const TIMEOUT_MS = 10_000;
/** Attempts of a GET that fails below HTTP (e.g. a keep-alive socket the server closed just then); GETs are idempotent. */
const ATTEMPTS = 3;

/** This department's ledger API did not answer, or not in the expected form: the caller retries later (503). */
export class LedgerUnavailableError extends AccordError {
  readonly code = 'ledger_unavailable';
}

/** Where this department's ledger says a tx stands (GET /v1/txs/:txId). */
export type LedgerTxStatus =
  | { readonly status: 'pending'; readonly channel: string }
  | {
      readonly status: 'committed';
      readonly channel: string;
      readonly height: number;
      readonly code: string;
      /** The tx type from its envelope. */
      readonly type: string;
    };

/**
 * Reads this department's ledger API (docs/ledger-api.md) for what a
 * block.committed event may leave out: the channel configuration after a
 * block, and the txs of a block too large for one event; and where a tx
 * stands, for actions on records not applied yet. Every failure is a
 * LedgerUnavailableError: the block reader retries the batch later.
 */
export class LedgerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /**
   * The configuration after block `height`, from GET members and proposals
   * at that height. `genesis` (txId and position of the channel's genesis
   * tx) is not part of those views; the caller knows it from the chain.
   */
  async configAfter(channel: string, height: number, genesis: ChannelConfig['genesis']): Promise<ChannelConfig> {
    const path = (what: string) => `/v1/channels/${encodeURIComponent(channel)}/${what}?height=${height}`;
    const members = (await this.get(path('members'))) as Record<string, unknown>;
    const proposals = (await this.get(path('proposals'))) as Record<string, unknown>;
    const openProposals = Array.isArray(proposals['proposals'])
      ? proposals['proposals'].map((p: unknown) => {
          // The view adds the tally to each proposal; the configuration does not hold it.
          const { tally: _tally, ...proposal } = p as Record<string, unknown>;
          return proposal;
        })
      : proposals['proposals'];
    const candidate = {
      channel,
      kind: members['kind'],
      owner: members['owner'],
      genesis,
      members: members['members'],
      policy: members['policy'],
      proposals: openProposals,
    };
    const parsed = channelConfigSchema.safeParse(candidate);
    if (!parsed.success || members['height'] !== height) {
      throw new LedgerUnavailableError(
        `the ledger's configuration of ${channel} after block ${height} does not have the expected form`,
        { channel, height },
      );
    }
    return parsed.data;
  }

  /** A committed block with its txs (for header-only block.committed events). */
  async block(channel: string, height: number): Promise<Block> {
    const view = (await this.get(`/v1/channels/${encodeURIComponent(channel)}/blocks/${height}`)) as Record<
      string,
      unknown
    >;
    try {
      return validateBlock(view['block']);
    } catch (error) {
      throw new LedgerUnavailableError(
        `the ledger answered block ${channel}/${height} with an invalid block: ${(error as Error).message}`,
        { channel, height },
      );
    }
  }

  /** Where the ledger says a tx stands; null when it knows no such tx (404 tx_not_found). */
  async txStatus(txId: string): Promise<LedgerTxStatus | null> {
    const view = (await this.get(`/v1/txs/${encodeURIComponent(txId)}`, { notFound: null })) as Record<
      string,
      unknown
    > | null;
    if (view === null) return null;
    const { status, channel, height, code, envelope } = view as {
      status?: unknown;
      channel?: unknown;
      height?: unknown;
      code?: unknown;
      envelope?: { body?: { type?: unknown } };
    };
    if (status === 'pending' && typeof channel === 'string') return { status, channel };
    const type = envelope?.body?.type;
    if (
      status === 'committed' &&
      typeof channel === 'string' &&
      typeof height === 'number' &&
      typeof code === 'string' &&
      typeof type === 'string'
    )
      return { status, channel, height, code, type };
    throw new LedgerUnavailableError(`the ledger answered the status of tx ${txId} in an unexpected form`, { txId });
  }

  /**
   * The proof of a committed tx (GET /v1/txs/:txId/proof, docs/ledger-api.md) as the ledger
   * answers it; null when the ledger knows no committed tx of that id. It verifies offline
   * with the members' keys (`verifyTxProof`, `accord verify-proof`).
   */
  async txProof(txId: string): Promise<unknown> {
    return this.get(`/v1/txs/${encodeURIComponent(txId)}/proof`, { notFound: null });
  }

  /** GET a JSON answer; with `notFound`, a 404 answers that value instead of failing. */
  private async get(path: string, options: { readonly notFound?: null } = {}): Promise<unknown> {
    let response: Response | undefined;
    for (let attempt = 1; response === undefined; attempt++) {
      try {
        response = await fetch(`${this.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          const cause = (error as { cause?: { message?: string } }).cause?.message;
          throw new LedgerUnavailableError(
            `ledger API GET ${path} failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
            { path },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    const text = await response.text().catch(() => '');
    if (response.status === 404 && 'notFound' in options) return options.notFound;
    if (response.status !== 200) {
      throw new LedgerUnavailableError(`ledger API GET ${path} answered ${response.status}: ${text.slice(0, 300)}`, {
        path,
        status: response.status,
      });
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new LedgerUnavailableError(`ledger API GET ${path} answered with a body that is not JSON`, { path });
    }
  }
}
