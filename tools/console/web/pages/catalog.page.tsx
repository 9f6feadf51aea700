import { useState } from 'preact/hooks';
import { navigate, type Route } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, Loaded, time } from '../components/status';

interface SearchAnswer {
  readonly total: number;
  readonly hits: readonly {
    readonly id: string;
    readonly title: string;
    readonly owner: string;
    readonly domain: string;
    readonly sensitivity: string;
    readonly governance: string;
    readonly version: number;
    readonly status: string;
    readonly updatedTime: number;
    readonly standing?: {
      readonly state: string;
      readonly code?: string | null;
      readonly reason?: string | null;
    } | null;
  }[];
  readonly next: string | null;
}

/** Full-text search of the datasets of the channel, with this department's standing on each. */
export function CatalogPage({ route }: { readonly route: Route }) {
  const { channel } = useConsole();
  const q = route.params.get('q') ?? '';
  const cursor = route.params.get('cursor') ?? '';
  const [text, setText] = useState(q);
  const query = new URLSearchParams({ channel: channel ?? '', limit: '20' });
  if (q) query.set('q', q);
  if (cursor) query.set('cursor', cursor);
  const results = useApi<SearchAnswer>('catalog', `/v1/datasets?${query.toString()}`);
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Catalog of {channel}</h1>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('catalog', { q: text.trim() });
        }}
      >
        <label for="catalog-q">Search datasets</label>
        <input
          id="catalog-q"
          type="search"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          placeholder="title, keyword, department…"
        />
        <button type="submit">Search</button>
      </form>
      <Loaded state={results}>
        {(r) => (
          <>
            <p aria-live="polite">
              {r.total} dataset{r.total === 1 ? '' : 's'} found{q ? ` for “${q}”` : ''}.
            </p>
            {r.hits.length > 0 && (
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Dataset</th>
                    <th scope="col">Title</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Domain</th>
                    <th scope="col">Sensitivity</th>
                    <th scope="col">Version</th>
                    <th scope="col">Updated</th>
                    <th scope="col">Your standing</th>
                  </tr>
                </thead>
                <tbody>
                  {r.hits.map((hit) => (
                    <tr key={hit.id}>
                      <td>
                        <code>{hit.id}</code> {hit.status !== 'active' && <Badge tone="warn">{hit.status}</Badge>}
                      </td>
                      <td>{hit.title}</td>
                      <td>{hit.owner}</td>
                      <td>{hit.domain}</td>
                      <td>{hit.sensitivity}</td>
                      <td>{hit.version}</td>
                      <td>{time(hit.updatedTime)}</td>
                      <td>
                        {hit.standing ? (
                          <span title={hit.standing.reason ?? undefined}>
                            {hit.standing.state}
                            {hit.standing.code ? ` (${hit.standing.code})` : ''}
                          </span>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {r.next && (
              <nav class="pager" aria-label="Result pages">
                <a href={`#/catalog?${new URLSearchParams({ q, cursor: r.next }).toString()}`}>Next results →</a>
              </nav>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
