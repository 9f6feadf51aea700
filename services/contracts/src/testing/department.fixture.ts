import type { EventBus } from '@accord/event-bus';
import { waitFor } from '@accord/event-bus/testing';
import { computeTxId, encodeEnvelope, signTx, type JsonObject, type TxEnvelope } from '@accord/protocol';
import type { TestMember } from '@accord/protocol/testing';
// Tests boot the real ledger next to the contracts service: it produces the committed blocks the rules apply.
import { ledgerService, type LedgerConfig } from '@accord/ledger-service';
import {
  EVENT_BUS,
  startServiceForTest,
  type CommonConfig,
  type Env,
  type ServiceDefinition,
  type ServiceUnderTest,
} from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import type { ContractsConfig } from '../contracts.config';
import { contractsService } from '../contracts.definition';
import { txRecordHeaders, txTopic } from '@accord/events';

export interface DepartmentUnderTest {
  readonly member: TestMember;
  readonly ledger: ServiceUnderTest<LedgerConfig>;
  readonly contracts: ServiceUnderTest<ContractsConfig>;
  /** The bus both services use. */
  readonly bus: EventBus;
  close(): Promise<void>;
}

export interface DepartmentOptions {
  readonly member: TestMember;
  /** Where its key file goes. */
  readonly dir: string;
  /** A bus to share (several departments on one embedded log); default: the ledger's own. */
  readonly bus?: EventBus;
  /** Environment of both services (e.g. PostgreSQL and Kafka for integration tests). */
  readonly env?: Env;
  readonly ledgerEnv?: Env;
  readonly contractsEnv?: Env;
}

/** One department's ledger and contracts service in this process, the contracts service reading the ledger's API. */
export async function startDepartment(options: DepartmentOptions): Promise<DepartmentUnderTest> {
  const keysFile = await writeKeysFile(options.dir, options.member);
  const common: Env = {
    ACCORD_DEPARTMENT: options.member.id,
    ACCORD_KEYS_FILE: keysFile,
    ACCORD_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const ledger = await startServiceForTest(ledgerService, {
    env: { ...common, ACCORD_LEDGER_SIG_WORKERS: '0', ...options.ledgerEnv },
    ...(options.bus === undefined ? {} : { shared: { bus: options.bus } }),
  });
  const bus = options.bus ?? ledger.service.app.get<EventBus>(EVENT_BUS);
  const contracts = await startContracts(options.member, keysFile, ledger, bus, {
    ...options.env,
    ...options.contractsEnv,
  });
  return {
    member: options.member,
    ledger,
    contracts,
    bus,
    close: async () => {
      await contracts.close();
      await ledger.close();
    },
  };
}

/** A contracts service of `member` on `bus`, reading `ledger`'s API (also: a second one with a fresh database, for replays). */
export async function startContracts(
  member: TestMember,
  keysFile: string,
  ledger: ServiceUnderTest<LedgerConfig>,
  bus: EventBus,
  env: Env = {},
): Promise<ServiceUnderTest<ContractsConfig>> {
  return startServiceForTest(contractsService, {
    env: {
      ACCORD_DEPARTMENT: member.id,
      ACCORD_KEYS_FILE: keysFile,
      ACCORD_LEDGER_URL: ledger.url,
      ACCORD_LEDGER_TOKEN: ledger.tokens.user,
      ACCORD_CONTRACTS_POLL_MS: '5',
      ACCORD_LOG_LEVEL: 'warn',
      ...env,
    },
    shared: { bus },
  });
}

/**
 * Another service of the department (catalog, storage gateway) on its bus,
 * signing with its key file and reading its ledger's API.
 */
export function startDepartmentService<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  department: Pick<DepartmentUnderTest, 'member' | 'ledger' | 'bus'>,
  keysFile: string,
  env: Env = {},
): Promise<ServiceUnderTest<C>> {
  return startServiceForTest(definition, {
    env: {
      ACCORD_DEPARTMENT: department.member.id,
      ACCORD_KEYS_FILE: keysFile,
      ACCORD_LEDGER_URL: department.ledger.url,
      ACCORD_LEDGER_TOKEN: department.ledger.tokens.user,
      ACCORD_LOG_LEVEL: 'warn',
      ...env,
    },
    shared: { bus: department.bus },
  });
}

/** Signs txs of test members on one channel (nonces count up per member from a random start) and publishes them on its tx topic. */
export class TxPublisher {
  private readonly nonces = new Map<string, number>();

  constructor(
    private readonly bus: EventBus,
    readonly channel: string,
  ) {}

  envelope(from: TestMember, type: string, payload: JsonObject): TxEnvelope {
    // Far from 0 and from each other, so they never meet the random nonces the contracts service draws.
    const nonce = this.nonces.get(from.id) ?? 2 ** 50 + Math.floor(Math.random() * 2 ** 40);
    this.nonces.set(from.id, nonce + 1);
    return signTx({ v: 1, channel: this.channel, type, from: from.id, nonce, ts: Date.now(), payload }, from.signer);
  }

  async send(from: TestMember, type: string, payload: JsonObject): Promise<string> {
    const envelope = this.envelope(from, type, payload);
    await this.bus.publish(txTopic(this.channel), [
      { value: encodeEnvelope(envelope), headers: txRecordHeaders('tx') },
    ]);
    return computeTxId(envelope.body);
  }
}

/**
 * Creates an alliance channel of `members` with the rules' test parameters
 * through `dept`'s ledger (signed by the department's own member) and waits
 * until its contracts service applied the genesis block.
 */
export async function createRulesChannel(
  dept: DepartmentUnderTest,
  channel: string,
  members: readonly TestMember[],
  rules: JsonObject,
): Promise<void> {
  const genesis = signTx(
    {
      v: 1,
      channel,
      type: 'channel.genesis',
      from: dept.member.id,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey })),
        policy: { maxTxPerBlock: 50, batchTimeoutMs: 20, rules },
      },
    },
    dept.member.signer,
  );
  const created = await api(dept.ledger).post('/v1/channels', genesis, dept.ledger.tokens.sysadmin);
  if (created.status !== 202) throw new Error(`creating ${channel}: ${created.status} ${JSON.stringify(created.body)}`);
  await waitFor(
    `the contracts service to apply the genesis block of ${channel}`,
    async () => (await api(dept.contracts).get(`/v1/channels/${channel}`)).status === 200,
  );
}

/** HTTP calls to a service with one of its test tokens. */
export function api(sut: ServiceUnderTest<ContractsConfig> | ServiceUnderTest<LedgerConfig>) {
  const auth = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
  return {
    get: (path: string, token = sut.tokens.operations) =>
      request(sut.url)
        .get(path)
        .set(...auth(token)),
    post: (path: string, body: object | undefined, token: string) =>
      request(sut.url)
        .post(path)
        .set(...auth(token))
        .send(body),
  };
}
