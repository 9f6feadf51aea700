import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import { AlertsPage } from '../pages/alerts.page';
import { BlockPage } from '../pages/block.page';
import { CatalogPage } from '../pages/catalog.page';
import { ChainPage } from '../pages/chain.page';
import { GovernancePage } from '../pages/governance.page';
import { HealthPage } from '../pages/health.page';
import { OverviewPage } from '../pages/overview.page';
import { PointsPage } from '../pages/points.page';
import { SharingPage } from '../pages/sharing.page';
import { TxPage } from '../pages/tx.page';
import { ErrorNotice } from '../components/status';
import { useConsole } from './console-context';
import { href, PAGES, useRoute, type Route } from './router';

/** Pages that read one channel (they wait for a channel to be chosen). */
const CHANNEL_PAGES = new Set(['chain', 'block', 'tx', 'governance', 'catalog', 'sharing', 'points', 'alerts']);

/** Header (who, channel picker, log out), navigation, and the current page; focus moves to the page on navigation. */
export function Layout({
  failure,
  ready,
  heading,
}: {
  readonly failure: unknown;
  readonly ready: boolean;
  readonly heading: RefObject<HTMLHeadingElement>;
}) {
  const { session, principal, channels, channel, selectChannel, logout } = useConsole();
  const route = useRoute();
  useEffect(() => {
    document.title = `${PAGES.find((p) => p.id === route.page)?.title ?? route.page} — Accord console`;
    document.getElementById('main')?.focus();
  }, [route.page]);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <p class="brand" ref={heading}>
          Accord console
        </p>
        <p class="who">
          <span>
            Department <strong>{session.department}</strong>
          </span>
          {principal && (
            <span>
              {' '}
              · {principal.name} ({principal.roles.join(', ')})
            </span>
          )}
        </p>
        {channels.length > 0 && (
          <p class="channel-picker">
            <label for="channel">Channel</label>{' '}
            <select id="channel" value={channel} onChange={(e) => selectChannel(e.currentTarget.value)}>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </p>
        )}
        <button type="button" class="secondary" onClick={logout}>
          Log out
        </button>
      </header>
      <nav class="main-nav" aria-label="Console pages">
        <ul>
          {PAGES.map((page) => (
            <li key={page.id}>
              <a href={href(page.id)} aria-current={route.page === page.id ? 'page' : undefined}>
                {page.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {failure !== undefined && <ErrorNotice error={failure} />}
        <Page route={route} ready={ready} hasChannel={channel !== undefined} />
      </main>
    </>
  );
}

function Page({
  route,
  ready,
  hasChannel,
}: {
  readonly route: Route;
  readonly ready: boolean;
  readonly hasChannel: boolean;
}) {
  if (CHANNEL_PAGES.has(route.page)) {
    if (!ready) return <p class="muted">Loading channels…</p>;
    if (!hasChannel) return <p role="status">This department's ledger follows no channel yet.</p>;
  }
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'chain':
      return <ChainPage route={route} />;
    case 'block':
      return <BlockPage route={route} />;
    case 'tx':
      return <TxPage route={route} />;
    case 'governance':
      return <GovernancePage />;
    case 'catalog':
      return <CatalogPage route={route} />;
    case 'sharing':
      return <SharingPage />;
    case 'points':
      return <PointsPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'health':
      return <HealthPage />;
  }
}
