import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Principal } from '../api/access';
import type { Session } from '../api/session';

/** What every page needs: who is logged in, what they may read, and the channel looked at. */
export interface ConsoleState {
  readonly session: Session;
  readonly principal: Principal | undefined;
  /** Every department behind this console (for health and the login picker). */
  readonly departments: readonly string[];
  /** Channels the department's ledger follows. */
  readonly channels: readonly string[];
  readonly channel: string | undefined;
  selectChannel(channel: string): void;
  logout(): void;
}

export const ConsoleContext = createContext<ConsoleState | null>(null);

export function useConsole(): ConsoleState {
  const state = useContext(ConsoleContext);
  if (state === null) throw new Error('useConsole() outside a logged-in console');
  return state;
}
