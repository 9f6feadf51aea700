/** Who is logged in: the department whose services the console calls, and the API token sent to them. */
export interface Session {
  readonly department: string;
  readonly token: string;
}

const KEY = 'accord.console.session';

/*
 * sessionStorage, not localStorage: the token lives as long as the tab, is
 * not shared with other tabs and is gone when the tab closes. It only ever
 * leaves the browser in the Authorization header of calls to the console's
 * own /api proxy.
 */

export function loadSession(): Session | undefined {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Session> | null;
    return typeof parsed?.department === 'string' && typeof parsed.token === 'string'
      ? { department: parsed.department, token: parsed.token }
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
