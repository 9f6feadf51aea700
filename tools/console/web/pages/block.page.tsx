import { href, type Route } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, JsonBlock, Loaded, Short, time } from '../components/status';

interface BlockView {
  readonly height: number;
  readonly hash: string;
  readonly final: boolean;
  readonly configChanged: boolean;
  readonly block: {
    readonly header: {
      readonly time: number;
      readonly prevHash: string;
      readonly txRoot: string;
      readonly txCount: number;
    };
    /** `{envelope, code}`, or a raw record that did not parse as a tx (`{raw, code}`). */
    readonly txs: readonly {
      readonly envelope?: { readonly body: { readonly type: string; readonly from: string } };
      readonly code?: string;
    }[];
  };
  readonly txIds: readonly (string | null)[];
}

interface Attestations {
  readonly final: boolean;
  readonly required: number;
  readonly attesters: readonly string[];
  readonly attestations: readonly {
    readonly body: {
      readonly from: string;
      readonly kind: string;
      readonly blockHash: string;
      readonly stateDigest?: string;
    };
  }[];
}

/** One block: its header, txs with their validity codes, and each department's attestations and the finality. */
export function BlockPage({ route }: { readonly route: Route }) {
  const { channel } = useConsole();
  const height = route.params.get('height') ?? '0';
  const base = `/v1/channels/${encodeURIComponent(channel ?? '')}/blocks/${encodeURIComponent(height)}`;
  const block = useApi<BlockView>('ledger', base);
  const attestations = useApi<Attestations>('ledger', `${base}/attestations`);
  return (
    <section aria-labelledby="block-title">
      <h1 id="block-title">
        Block #{height} of {channel}
      </h1>
      <Loaded state={block}>
        {(b) => (
          <>
            <dl class="facts">
              <dt>Hash</dt>
              <dd>
                <code class="wrap">{b.hash}</code>
              </dd>
              <dt>Previous</dt>
              <dd>
                {b.height > 0 ? (
                  <a href={href('block', { height: b.height - 1 })}>
                    <Short value={b.block.header.prevHash} />
                  </a>
                ) : (
                  'genesis'
                )}
              </dd>
              <dt>Tx root</dt>
              <dd>
                <Short value={b.block.header.txRoot} length={20} />
              </dd>
              <dt>Time</dt>
              <dd>{time(b.block.header.time)}</dd>
              <dt>Finality</dt>
              <dd>{b.final ? <Badge tone="ok">final</Badge> : <Badge tone="warn">not final yet</Badge>}</dd>
              <dt>Configuration</dt>
              <dd>{b.configChanged ? 'changed by this block' : 'unchanged'}</dd>
            </dl>
            <h2>Transactions ({b.txIds.length})</h2>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Tx id</th>
                  <th scope="col">Type</th>
                  <th scope="col">From</th>
                  <th scope="col">Validity</th>
                </tr>
              </thead>
              <tbody>
                {b.block.txs.map((tx, index) => {
                  const id = b.txIds[index];
                  const envelope = tx.envelope;
                  const code = tx.code ?? 'raw';
                  return (
                    <tr key={index}>
                      <td>{index}</td>
                      <td>
                        {id ? (
                          <a href={href('tx', { id })}>
                            <Short value={id} />
                          </a>
                        ) : (
                          'raw record'
                        )}
                      </td>
                      <td>{envelope?.body.type ?? '—'}</td>
                      <td>{envelope?.body.from ?? '—'}</td>
                      <td>
                        <Badge tone={code === 'valid' ? 'ok' : 'bad'}>{code}</Badge>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <JsonBlock summary="The block as stored (what accord verify-chain reads)" value={b.block} />
          </>
        )}
      </Loaded>
      <h2>Attestations</h2>
      <Loaded state={attestations}>
        {(a) => (
          <>
            <p>
              {a.final ? <Badge tone="ok">final</Badge> : <Badge tone="warn">not final</Badge>} {a.attesters.length} of{' '}
              {a.required} required department attestations agree with this block's hash
              {a.attesters.length > 0 ? `: ${a.attesters.join(', ')}` : ''}.
            </p>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Department</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Attested value</th>
                  <th scope="col">Agrees</th>
                </tr>
              </thead>
              <tbody>
                {a.attestations.map((att, i) => {
                  const value = att.body.kind === 'state' ? (att.body.stateDigest ?? '') : att.body.blockHash;
                  const agrees = att.body.kind !== 'block' || a.attesters.includes(att.body.from);
                  return (
                    <tr key={i}>
                      <td>{att.body.from}</td>
                      <td>{att.body.kind}</td>
                      <td>
                        <Short value={value} />
                      </td>
                      <td>{agrees ? <Badge tone="ok">yes</Badge> : <Badge tone="bad">differs</Badge>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </Loaded>
    </section>
  );
}
