import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Principal } from '../api/access';
import { ApiError, callApi } from '../api/api-client';
import { clearSession, loadSession, saveSession, type Session } from '../api/session';
import { ConsoleContext, type ConsoleState } from './console-context';
import { Layout } from './layout';
import { LoginPage } from '../pages/login.page';

interface ConsoleConfig {
  readonly departments: readonly { readonly id: string }[];
}

interface Info {
  readonly principal?: Principal;
}

/** Loads the console's department list, then shows the login or the logged-in console. */
export function App() {
  const [departments, setDepartments] = useState<readonly string[]>();
  const [configError, setConfigError] = useState<string>();
  const [session, setSession] = useState<Session | undefined>(loadSession);
  useEffect(() => {
    fetch('/config.json')
      .then((r) =>
        r.ok ? (r.json() as Promise<ConsoleConfig>) : Promise.reject(new Error(`config.json: ${r.status}`)),
      )
      .then((c) => setDepartments(c.departments.map((d) => d.id)))
      .catch((error: unknown) => setConfigError(error instanceof Error ? error.message : String(error)));
  }, []);
  if (configError) return <p role="alert">The console cannot load its configuration: {configError}</p>;
  if (departments === undefined) return <p class="boot">Loading…</p>;
  if (session === undefined || !departments.includes(session.department)) {
    return (
      <LoginPage
        departments={departments}
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  }
  return (
    <LoggedIn
      session={session}
      departments={departments}
      onLogout={() => {
        clearSession();
        setSession(undefined);
      }}
    />
  );
}

function LoggedIn({
  session,
  departments,
  onLogout,
}: {
  readonly session: Session;
  readonly departments: readonly string[];
  readonly onLogout: () => void;
}) {
  const [principal, setPrincipal] = useState<Principal>();
  const [channels, setChannels] = useState<readonly string[]>();
  const [channel, setChannel] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    callApi<Info>(session, 'ledger', '/v1/info')
      .then((info) => setPrincipal(info.principal))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) onLogout();
        else setFailure(error);
      });
    callApi<{ channels: readonly { channel: string }[] }>(session, 'ledger', '/v1/channels')
      .then((answer) => {
        const names = answer.channels.map((c) => c.channel);
        setChannels(names);
        const remembered = sessionStorage.getItem('accord.console.channel');
        setChannel(remembered && names.includes(remembered) ? remembered : names[0]);
      })
      .catch((error: unknown) => setFailure(error));
  }, [session, onLogout]);
  const state = useMemo<ConsoleState>(
    () => ({
      session,
      principal,
      departments,
      channels: channels ?? [],
      channel,
      selectChannel: (next) => {
        sessionStorage.setItem('accord.console.channel', next);
        setChannel(next);
      },
      logout: onLogout,
    }),
    [session, principal, departments, channels, channel, onLogout],
  );
  return (
    <ConsoleContext.Provider value={state}>
      <Layout failure={failure} ready={channels !== undefined} heading={heading} />
    </ConsoleContext.Provider>
  );
}
