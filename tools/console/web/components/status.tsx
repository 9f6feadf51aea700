import type { ComponentChildren } from 'preact';
import { RESTRICTED_READS, mayRead, type RestrictedRead } from '../api/access';
import { ApiError } from '../api/api-client';
import type { ApiState } from '../app/use-api';
import { useConsole } from '../app/console-context';

/** Explains a failed call in words an operator can act on (403 and 401 above all). */
export function ErrorNotice({ error }: { readonly error: unknown }) {
  const { principal } = useConsole();
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div class="notice notice-denied" role="alert">
        <strong>Access denied (403).</strong> The {error.service} service refused this read for your token
        {principal ? ` (roles: ${principal.roles.join(', ')})` : ''}: {error.message}. Ask your system administrator for
        a token with the needed role.
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 401) {
    return (
      <div class="notice notice-error" role="alert">
        <strong>Not authenticated (401).</strong> The {error.service} service does not accept this token:{' '}
        {error.message}. Log out and log in again with a valid token.
      </div>
    );
  }
  if (error instanceof ApiError) {
    return (
      <div class="notice notice-error" role="alert">
        <strong>
          {error.service}: {error.code} ({error.status}).
        </strong>{' '}
        {error.message}
      </div>
    );
  }
  return (
    <div class="notice notice-error" role="alert">
      <strong>Request failed.</strong> {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

/** Renders the data of a call, a loading line, or the error. */
export function Loaded<T>({
  state,
  children,
}: {
  readonly state: ApiState<T>;
  readonly children: (data: T) => ComponentChildren;
}) {
  if (state.error !== undefined) return <ErrorNotice error={state.error} />;
  if (state.data === undefined)
    return (
      <p class="muted" aria-live="polite">
        Loading…
      </p>
    );
  return <>{children(state.data)}</>;
}

/** Shows its content only when the caller's roles may read it; otherwise says which role is needed. */
export function RequiresRoles({
  read,
  children,
}: {
  readonly read: RestrictedRead;
  readonly children: ComponentChildren;
}) {
  const { principal } = useConsole();
  if (mayRead(principal, read)) return <>{children}</>;
  const rule = RESTRICTED_READS[read];
  return (
    <div class="notice notice-denied" role="status">
      <strong>Not available for your roles.</strong> Reading {rule.what} needs the {rule.roles.join(' or ')} role; your
      token has {principal?.roles.join(', ')}.
    </div>
  );
}

/** A short hash or id with the full value in a tooltip and for screen readers. */
export function Short({ value, length = 12 }: { readonly value: string; readonly length?: number }) {
  return (
    <code title={value} aria-label={value}>
      {value.length > length ? `${value.slice(0, length)}…` : value}
    </code>
  );
}

export function Badge({
  tone,
  children,
}: {
  readonly tone: 'ok' | 'warn' | 'bad' | 'info';
  readonly children: ComponentChildren;
}) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function time(ms: number | null | undefined): string {
  return typeof ms === 'number'
    ? new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '—';
}

/** Pretty JSON in a collapsible block. */
export function JsonBlock({ summary, value }: { readonly summary: string; readonly value: unknown }) {
  return (
    <details class="json">
      <summary>{summary}</summary>
      <pre tabIndex={0}>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
