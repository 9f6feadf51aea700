import { useEffect, useState } from 'preact/hooks';

/** The console's pages; the hash is `#/<page>?<params>`. */
export const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'chain', title: 'Chain' },
  { id: 'governance', title: 'Governance' },
  { id: 'catalog', title: 'Catalog' },
  { id: 'sharing', title: 'Sharing' },
  { id: 'points', title: 'Points' },
  { id: 'alerts', title: 'Alerts' },
  { id: 'health', title: 'Health' },
] as const;

/** Pages reached from others (not in the navigation). */
export type PageId = (typeof PAGES)[number]['id'] | 'block' | 'tx';

export interface Route {
  readonly page: PageId;
  readonly params: URLSearchParams;
}

const KNOWN = new Set<string>([...PAGES.map((p) => p.id), 'block', 'tx']);

export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const page = KNOWN.has(path) ? (path as PageId) : 'overview';
  return { page, params: new URLSearchParams(query) };
}

/** `#/<page>?<params>` (undefined and empty values left out). */
export function href(page: PageId, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
}

export function navigate(page: PageId, params: Record<string, string | number | undefined> = {}): void {
  location.hash = href(page, params);
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
