import { useState } from 'preact/hooks';
import { ApiError, callApi } from '../api/api-client';
import type { Session } from '../api/session';

/** Department picker and API token; the token is checked against the department's ledger before it is kept. */
export function LoginPage({
  departments,
  onLogin,
}: {
  readonly departments: readonly string[];
  readonly onLogin: (session: Session) => void;
}) {
  const [department, setDepartment] = useState(departments[0] ?? '');
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const session = { department, token: token.trim() };
    if (session.token === '') {
      setProblem('Enter the API token of the department.');
      return;
    }
    setBusy(true);
    try {
      await callApi(session, 'ledger', '/v1/info');
      onLogin(session);
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 401
          ? `The ${department} ledger does not accept this token.`
          : `Cannot reach the ${department} ledger: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Accord console</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="login-note">
        <p>
          <label for="login-department">Department</label>
          <select id="login-department" value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="login-token">API token</label>
          <input
            id="login-token"
            type="password"
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={problem ? 'login-problem' : undefined}
            required
          />
        </p>
        {problem && (
          <p id="login-problem" class="field-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        <p id="login-note" class="muted">
          The token stays in this tab (session storage) and is sent only to this console's proxy, which passes it to the
          department's services.
        </p>
      </form>
    </main>
  );
}
