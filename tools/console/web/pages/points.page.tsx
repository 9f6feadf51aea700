import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, Loaded } from '../components/status';

interface Accounts {
  readonly height: number;
  readonly accounts: readonly {
    readonly member: string;
    readonly active: boolean;
    readonly balance: number;
    readonly held: number;
    readonly score: number;
    readonly level: number;
    readonly maxSensitivity: string;
    readonly nextLevel: { readonly level: number; readonly minScore: number } | null;
  }[];
}

/** Each department's points (balance, held), score and level on the channel, as the rules computed them. */
export function PointsPage() {
  const { channel } = useConsole();
  const accounts = useApi<Accounts>('contracts', `/v1/channels/${encodeURIComponent(channel ?? '')}/accounts`);
  return (
    <section aria-labelledby="points-title">
      <h1 id="points-title">Points and levels on {channel}</h1>
      <Loaded state={accounts}>
        {(a) => (
          <>
            <p class="muted">As of block #{a.height}.</p>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Department</th>
                  <th scope="col">Balance</th>
                  <th scope="col">Held</th>
                  <th scope="col">Score</th>
                  <th scope="col">Level</th>
                  <th scope="col">May request up to</th>
                  <th scope="col">Next level</th>
                </tr>
              </thead>
              <tbody>
                {a.accounts.map((account) => (
                  <tr key={account.member}>
                    <td>
                      {account.member} {!account.active && <Badge tone="info">inactive</Badge>}
                    </td>
                    <td class="num">{account.balance}</td>
                    <td class="num">{account.held}</td>
                    <td class="num">{account.score}</td>
                    <td class="num">{account.level}</td>
                    <td>{account.maxSensitivity}</td>
                    <td>
                      {account.nextLevel
                        ? `level ${account.nextLevel.level} at score ${account.nextLevel.minScore}`
                        : 'top level'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loaded>
    </section>
  );
}
