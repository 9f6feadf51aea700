import { useCallback, useEffect, useState } from 'preact/hooks';
import { callApi, type ServiceName } from '../api/api-client';
import { useConsole } from './console-context';

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** GETs `path` of one of the department's services whenever it changes; `null` asks nothing (e.g. a role cannot read it). */
export function useApi<T>(service: ServiceName, path: string | null): ApiState<T> {
  const { session } = useConsole();
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false });
      return undefined;
    }
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    callApi<T>(session, service, path).then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [session, service, path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}
