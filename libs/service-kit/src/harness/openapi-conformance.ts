import type { OpenAPIObject } from '@nestjs/swagger';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One error request and the status the service must answer. */
export interface ErrorCase {
  readonly method: Method;
  /** The concrete path with its query string, e.g. `/v1/channels/nope/head?x=1`. */
  readonly path: string;
  /** Bearer token; null sends none. */
  readonly token: string | null;
  /** A JSON value, or a string sent as is (e.g. malformed JSON) with content-type application/json. */
  readonly body?: unknown;
  readonly status: number;
  /** The error code expected in the body (what the case is about). */
  readonly error: string;
}

/** A documented status no case produces, and why that is impractical. */
export interface UnproducedStatus {
  readonly method: Method;
  readonly route: string;
  readonly status: number;
  readonly why: string;
}

export interface ObservedCase {
  readonly case: ErrorCase;
  /** The OpenAPI path template the request matched (null: none). */
  readonly route: string | null;
  readonly status: number;
  readonly error: unknown;
}

export interface ConformanceReport {
  readonly observed: readonly ObservedCase[];
  /** Cases whose status or error code is not the one the table expects. */
  readonly unexpected: readonly string[];
  /** Observed statuses the OpenAPI document does not list for that route and method. */
  readonly undocumented: readonly string[];
  /** Documented 4xx statuses that no case produced and that are not excused. */
  readonly unproduced: readonly string[];
  /** Excuses for statuses that are produced after all, or not documented (remove them). */
  readonly staleExcuses: readonly string[];
}

/** The OpenAPI path template (`/v1/channels/{channel}/head`) a concrete path matches: the one with most literal segments. */
export function matchRoute(document: OpenAPIObject, path: string): string | null {
  const segments = path.split('?')[0].split('/');
  let best: { route: string; literals: number } | null = null;
  for (const route of Object.keys(document.paths)) {
    const parts = route.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const matches = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return segments[i] !== '';
      literals++;
      return part === segments[i];
    });
    if (matches && (best === null || literals > best.literals)) best = { route, literals };
  }
  return best?.route ?? null;
}

/** The response statuses the document lists for a route and method. */
export function documentedStatuses(document: OpenAPIObject, route: string, method: Method): number[] {
  const operation = (document.paths[route] as Record<string, { responses?: Record<string, unknown> }> | undefined)?.[
    method.toLowerCase()
  ];
  return Object.keys(operation?.responses ?? {})
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number);
}

/**
 * Sends every error case to a running service and compares what it answers
 * with the table and with the service's OpenAPI document: each answer must
 * be the expected status and code, and listed for its route; and every 4xx
 * the document lists (for every route) must be produced by some case or be
 * excused in `unproducible`.
 */
export async function checkErrorResponses(
  baseUrl: string,
  document: OpenAPIObject,
  cases: readonly ErrorCase[],
  unproducible: readonly UnproducedStatus[] = [],
): Promise<ConformanceReport> {
  const observed: ObservedCase[] = [];
  for (const c of cases) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (c.token !== null) headers.authorization = `Bearer ${c.token}`;
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${c.path}`, {
      method: c.method,
      headers,
      ...(c.body === undefined ? {} : { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }),
    });
    const text = await response.text();
    let error: unknown;
    try {
      error = (JSON.parse(text) as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    observed.push({ case: c, route: matchRoute(document, c.path), status: response.status, error });
  }
  const label = (o: ObservedCase) => `${o.case.method} ${o.case.path}`;
  const unexpected = observed
    .filter((o) => o.status !== o.case.status || o.error !== o.case.error)
    .map((o) => `${label(o)}: expected ${o.case.status} ${o.case.error}, got ${o.status} ${String(o.error)}`);
  const undocumented = observed
    .filter((o) => o.route === null || !documentedStatuses(document, o.route, o.case.method).includes(o.status))
    .map((o) => `${label(o)}: ${o.status} ${String(o.error)} is not documented for ${o.case.method} ${o.route}`);
  const produced = new Set(observed.map((o) => `${o.case.method} ${o.route} ${o.status}`));
  const excused = new Set(unproducible.map((u) => `${u.method} ${u.route} ${u.status}`));
  const unproduced: string[] = [];
  for (const [route, operations] of Object.entries(document.paths)) {
    for (const method of Object.keys(operations as object)) {
      const m = method.toUpperCase() as Method;
      for (const status of documentedStatuses(document, route, m)) {
        const key = `${m} ${route} ${status}`;
        if (status >= 400 && status < 500 && !produced.has(key) && !excused.has(key)) unproduced.push(key);
      }
    }
  }
  const staleExcuses = unproducible
    .filter(
      (u) =>
        produced.has(`${u.method} ${u.route} ${u.status}`) ||
        !documentedStatuses(document, u.route, u.method).includes(u.status),
    )
    .map((u) => `${u.method} ${u.route} ${u.status}`);
  return { observed, unexpected, undocumented, unproduced, staleExcuses };
}
