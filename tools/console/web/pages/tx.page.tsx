import { useState } from 'preact/hooks';
import { href, type Route } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, ErrorNotice, JsonBlock, Loaded } from '../components/status';
import { checkProof, type ProofCheck } from '../proof/proof-check';
import { loadProofMaterial, type ProofMaterial } from '../proof/proof-material';

interface TxStatus {
  readonly txId: string;
  readonly status: 'pending' | 'committed';
  readonly channel: string;
  readonly height?: number;
  readonly index?: number;
  readonly code?: string;
  readonly blockHash?: string;
  readonly final?: boolean;
  readonly envelope?: { readonly body: { readonly type: string; readonly from: string; readonly ts: number } };
}

/** A tx: where it was committed, with which validity code, and its proof checked in the browser. */
export function TxPage({ route }: { readonly route: Route }) {
  const id = (route.params.get('id') ?? '').toLowerCase();
  const tx = useApi<TxStatus>('ledger', /^[0-9a-f]{64}$/.test(id) ? `/v1/txs/${id}` : null);
  if (!/^[0-9a-f]{64}$/.test(id)) return <p role="alert">A tx id is 64 hexadecimal digits.</p>;
  return (
    <section aria-labelledby="tx-title">
      <h1 id="tx-title">Transaction</h1>
      <p>
        <code class="wrap">{id}</code>
      </p>
      <Loaded state={tx}>
        {(t) => (
          <>
            <dl class="facts">
              <dt>Status</dt>
              <dd>{t.status}</dd>
              <dt>Channel</dt>
              <dd>{t.channel}</dd>
              {t.status === 'committed' && (
                <>
                  <dt>Block</dt>
                  <dd>
                    <a href={href('block', { height: t.height })}>#{t.height}</a>, position {t.index}
                  </dd>
                  <dt>Validity code</dt>
                  <dd>
                    <Badge tone={t.code === 'valid' ? 'ok' : 'bad'}>{t.code}</Badge>
                  </dd>
                  <dt>Finality</dt>
                  <dd>{t.final ? <Badge tone="ok">final</Badge> : <Badge tone="warn">not final yet</Badge>}</dd>
                  <dt>Type</dt>
                  <dd>{t.envelope?.body.type}</dd>
                  <dt>Signed by</dt>
                  <dd>{t.envelope?.body.from}</dd>
                </>
              )}
            </dl>
            {t.envelope && <JsonBlock summary="Signed envelope" value={t.envelope} />}
            {t.status === 'committed' && <ProofPanel txId={t.txId} channel={t.channel} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

function ProofPanel({ txId, channel }: { readonly txId: string; readonly channel: string }) {
  const { session } = useConsole();
  const [material, setMaterial] = useState<ProofMaterial>();
  const [check, setCheck] = useState<ProofCheck>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const verify = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setCheck(undefined);
    try {
      const loaded = await loadProofMaterial(session, txId, channel);
      setMaterial(loaded);
      setCheck(checkProof(loaded.proof, loaded.members, loaded.quorum));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="proof-title" class="panel">
      <h2 id="proof-title">Proof</h2>
      <p>
        The ledger's proof bundle (<code>GET /v1/txs/{txId.slice(0, 8)}…/proof-bundle</code>) shows the tx is in its
        block, the block is attested by the departments, and the tx is signed by its sender; it comes with the members'
        keys and the quorum of the channel policy at that block. Verifying here runs the protocol's own verifier in your
        browser: the verdict is not the ledger's word (the keys are the ledger's view of the members: compare them with
        the Governance page).
      </p>
      <button type="button" onClick={() => void verify()} disabled={busy} aria-describedby="proof-result">
        {busy ? 'Verifying…' : 'Verify in the browser'}
      </button>
      <div id="proof-result" aria-live="polite">
        {error !== undefined && <ErrorNotice error={error} />}
        {check?.ok === true && (
          <div class="notice notice-ok" data-testid="proof-verdict">
            <strong>Proof VALID.</strong> Tx {check.index} of block #{check.height} on {check.channel}, committed as{' '}
            <code>{check.validity}</code>; attested by {check.attesters.join(', ')} (quorum {check.quorum}).
          </div>
        )}
        {check?.ok === false && (
          <div class="notice notice-error" data-testid="proof-verdict" role="alert">
            <strong>Proof INVALID ({check.code}).</strong> {check.reason}
          </div>
        )}
        {material && (
          <p class="muted" data-testid="proof-source">
            Keys and quorum: {material.source}.
          </p>
        )}
        {material && <JsonBlock summary="Proof as fetched" value={material.proof} />}
      </div>
    </section>
  );
}
