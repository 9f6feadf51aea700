import { useState } from 'preact/hooks';
import { href, navigate, type Route } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, Loaded, Short, time } from '../components/status';

interface Head {
  readonly height: number | null;
  readonly blockHash: string | null;
  readonly time: number | null;
  readonly final: boolean;
  readonly finalHeight: number | null;
}

interface BlockRow {
  readonly header: {
    readonly height: number;
    readonly txCount: number;
    readonly time: number;
    readonly prevHash: string;
  };
  readonly hash: string;
  readonly final: boolean;
}

const PAGE_SIZE = 20;

/** The chain explorer: head and finality, blocks page by page (newest first), search by height, tx id or range. */
export function ChainPage({ route }: { readonly route: Route }) {
  const { channel } = useConsole();
  const ch = encodeURIComponent(channel ?? '');
  const head = useApi<Head>('ledger', channel ? `/v1/channels/${ch}/head` : null);
  return (
    <section aria-labelledby="chain-title">
      <h1 id="chain-title">Chain of {channel}</h1>
      <Loaded state={head}>
        {(h) => (
          <>
            <dl class="facts">
              <dt>Head</dt>
              <dd>{h.height ?? 'no block yet'}</dd>
              <dt>Head hash</dt>
              <dd>{h.blockHash ? <Short value={h.blockHash} length={20} /> : '—'}</dd>
              <dt>Highest final block</dt>
              <dd>{h.finalHeight ?? 'none yet'}</dd>
              <dt>Last block time</dt>
              <dd>{time(h.time)}</dd>
            </dl>
            <ChainSearch head={h.height} />
            {h.height !== null && <BlockList head={h.height} route={route} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

function ChainSearch({ head }: { readonly head: number | null }) {
  const [query, setQuery] = useState('');
  const [problem, setProblem] = useState<string>();
  const search = (event: Event): void => {
    event.preventDefault();
    const text = query.trim().toLowerCase();
    const range = /^(\d+)\s*(?:-|\.\.)\s*(\d+)$/.exec(text);
    if (/^[0-9a-f]{64}$/.test(text)) navigate('tx', { id: text });
    else if (/^\d+$/.test(text)) navigate('block', { height: Number(text) });
    else if (range && Number(range[1]) <= Number(range[2])) navigate('chain', { from: range[1], to: range[2] });
    else {
      setProblem('Enter a block height (e.g. 12), a range (e.g. 10-20) or a tx id (64 hex digits).');
      return;
    }
    setProblem(undefined);
  };
  return (
    <form class="search" role="search" onSubmit={search}>
      <label for="chain-query">Find a block, a range or a tx</label>
      <input
        id="chain-query"
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
        placeholder={head === null ? 'height, from-to or tx id' : `0…${head}, 3-9 or a tx id`}
        aria-describedby={problem ? 'chain-query-problem' : undefined}
        aria-invalid={problem ? 'true' : undefined}
      />
      <button type="submit">Search</button>
      {problem && (
        <p id="chain-query-problem" class="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

function BlockList({ head, route }: { readonly head: number; readonly route: Route }) {
  const { channel } = useConsole();
  const to = Math.min(numberParam(route, 'to') ?? head, head);
  const from = Math.max(numberParam(route, 'from') ?? to - PAGE_SIZE + 1, 0);
  const limit = Math.min(to - from + 1, 500);
  const blocks = useApi<{ blocks: readonly BlockRow[] }>(
    'ledger',
    limit > 0 ? `/v1/channels/${encodeURIComponent(channel ?? '')}/blocks?from=${from}&limit=${limit}` : null,
  );
  const older = from > 0 ? { from: Math.max(from - PAGE_SIZE, 0), to: from - 1 } : undefined;
  const newer = to < head ? { from: to + 1, to: Math.min(to + PAGE_SIZE, head) } : undefined;
  return (
    <section aria-labelledby="blocks-title">
      <h2 id="blocks-title">
        Blocks {from}–{to}
      </h2>
      <Loaded state={blocks}>
        {(page) => (
          <table class="data" aria-describedby="blocks-title">
            <thead>
              <tr>
                <th scope="col">Height</th>
                <th scope="col">Hash</th>
                <th scope="col">Txs</th>
                <th scope="col">Time</th>
                <th scope="col">Finality</th>
              </tr>
            </thead>
            <tbody>
              {[...page.blocks].reverse().map((b) => (
                <tr key={b.hash}>
                  <td>
                    <a href={href('block', { height: b.header.height })}>#{b.header.height}</a>
                  </td>
                  <td>
                    <Short value={b.hash} />
                  </td>
                  <td>{b.header.txCount}</td>
                  <td>{time(b.header.time)}</td>
                  <td>{b.final ? <Badge tone="ok">final</Badge> : <Badge tone="warn">awaiting attestations</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <nav class="pager" aria-label="Block pages">
        {newer ? <a href={href('chain', newer)}>← Newer blocks</a> : <span aria-disabled="true">← Newer blocks</span>}
        {older ? <a href={href('chain', older)}>Older blocks →</a> : <span aria-disabled="true">Older blocks →</span>}
      </nav>
    </section>
  );
}

function numberParam(route: Route, name: string): number | undefined {
  const value = route.params.get(name);
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}
