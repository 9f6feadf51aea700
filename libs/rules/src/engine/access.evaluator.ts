import { checkedSum } from '../common/amount.math';
import { accessRequestSchema } from '../tx/rules-tx.schema';
import { isPersonal, memberIdSchema, sensitivityRank, zodIssues, describeIssues } from '../common/rules-ids.schema';
import { RuleParams } from '../params/rule-params.schema';
import {
  Check,
  CheckName,
  ConflictingGrant,
  DenialCode,
  DENIAL_CODES,
  RejectionCode,
} from '../receipts/rules-receipt.events';
import { openItems } from '../state/open-items.index';
import { accountOf, findDataset, levelForScore, maxSensitivityOf } from '../state/rules-state.queries';
import { DatasetRecord, GrantRecord, RequestRecord, RulesState } from '../state/rules-state.schema';
import { z } from 'zod';

/** An access request as the rules see it: who asks for what, why and for how long. */
export const accessRequestInputSchema = accessRequestSchema.extend({ requester: memberIdSchema });
export type AccessRequestInput = z.output<typeof accessRequestInputSchema>;

export type EvaluationOutcome = 'granted' | 'pending' | 'denied' | 'rejected';

/** What a request would get now and why; every check is listed with its status. */
export interface Evaluation {
  readonly outcome: EvaluationOutcome;
  /** `auto` (granted), `consent_required` (pending), or the first failing check's code. */
  readonly code: DenialCode | RejectionCode | 'auto' | 'consent_required';
  readonly message: string;
  readonly checks: readonly Check[];
  readonly provider: string | null;
  /** The requester's permission level and points under the parameters in force. */
  readonly level: number;
  readonly score: number;
  readonly balance: number;
  /** The price: fee (burned) + compensation (to the provider); null when the dataset is unknown or the sum overflows. */
  readonly cost: { readonly fee: number; readonly compensation: number; readonly total: number } | null;
  /** When a grant made now would end. */
  readonly grantExpiresAt: number | null;
  /** Granted only under an approved joint purpose (privacy-guard exemption). */
  readonly exempt: boolean;
  /** The privacy guard's conflicting grants, when it counted any. */
  readonly conflicts: readonly ConflictingGrant[];
}

/** A grant counts from its grant until block time reaches expiresAt; expiries at a block's time run before its txs. */
export function isLiveGrant(grant: GrantRecord, time: number): boolean {
  return grant.status === 'active' && time < grant.expiresAt;
}

export function isLiveRequest(request: RequestRecord, time: number): boolean {
  return request.status === 'pending' && time < request.expiresAt;
}

const denialCodes: ReadonlySet<string> = new Set(DENIAL_CODES);

class Checklist {
  readonly checks: Check[] = [];

  pass(name: CheckName, message: string): void {
    this.checks.push({ name, status: 'pass', code: null, message });
  }

  fail(name: CheckName, code: DenialCode | RejectionCode, message: string): void {
    this.checks.push({ name, status: 'fail', code, message });
  }

  skip(name: CheckName, message: string): void {
    this.checks.push({ name, status: 'skipped', code: null, message });
  }

  pending(name: CheckName, message: string): void {
    this.checks.push({ name, status: 'pending', code: null, message });
  }

  check(
    name: CheckName,
    ok: boolean,
    code: DenialCode | RejectionCode,
    passMessage: string,
    failMessage: string,
  ): boolean {
    if (ok) this.pass(name, passMessage);
    else this.fail(name, code, failMessage);
    return ok;
  }

  firstFailure(): Check | undefined {
    return this.checks.find((c) => c.status === 'fail');
  }
}

export interface PrivacyGuardResult {
  readonly ok: boolean;
  readonly exempt: boolean;
  readonly conflicts: ConflictingGrant[];
  readonly message: string;
}

/**
 * DESIGN.md "Privacy guard": with this grant, the requester may hold live
 * grants to personal (or sensitive) data about the dataset's subject key
 * from at most maxPersonalSources providers, unless the channel approved the
 * purpose as a joint purpose for this requester (and subject key).
 */
export function privacyGuard(
  state: RulesState,
  params: RuleParams,
  requester: string,
  dataset: DatasetRecord,
  purpose: string,
  time: number,
): PrivacyGuardResult {
  const subjectKey = dataset.subjectKey;
  if (!isPersonal(dataset.sensitivity) || subjectKey === null) {
    return { ok: true, exempt: false, conflicts: [], message: `${dataset.sensitivity} data is not guarded` };
  }
  const conflicts: ConflictingGrant[] = [];
  const providers = new Set<string>([dataset.owner]);
  const grants = openItems(state)
    .activeGrantsOf(requester)
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  for (const g of grants) {
    if (!isLiveGrant(g, time) || !isPersonal(g.sensitivity) || g.subjectKey !== subjectKey) continue;
    if (g.provider === dataset.owner) continue;
    providers.add(g.provider);
    conflicts.push({
      grant: g.id,
      dataset: g.dataset,
      provider: g.provider,
      subjectKey,
      purpose: g.purpose,
      expiresAt: g.expiresAt,
    });
  }
  const sources = providers.size;
  if (sources <= params.maxPersonalSources) {
    return {
      ok: true,
      exempt: false,
      conflicts,
      message: `${sources} of at most ${params.maxPersonalSources} providers of personal data about ${subjectKey}`,
    };
  }
  const approved = params.approvedJointPurposes.find(
    (j) =>
      j.purpose === purpose && j.requester === requester && (j.subjectKey === undefined || j.subjectKey === subjectKey),
  );
  if (approved !== undefined) {
    return {
      ok: true,
      exempt: true,
      conflicts,
      message: `${sources} providers of personal data about ${subjectKey}, allowed by the approved joint purpose ${purpose}`,
    };
  }
  const names = [...providers].sort().join(', ');
  return {
    ok: false,
    exempt: false,
    conflicts,
    message: `the grant would give ${requester} personal data about ${subjectKey} from ${sources} providers (${names}), more than ${params.maxPersonalSources}; conflicting grants: ${conflicts.map((c) => c.grant).join(', ')}`,
  };
}

/** True when the requester already has a live grant or pending request for this dataset and purpose. */
function hasDuplicate(state: RulesState, requester: string, dataset: string, purpose: string, time: number): boolean {
  const open = openItems(state);
  return (
    open.activeGrantsFor(requester, dataset, purpose).some((g) => isLiveGrant(g, time)) ||
    open.pendingRequestsFor(requester, dataset, purpose).some((r) => isLiveRequest(r, time))
  );
}

/**
 * The decision on an access request at block time `time`, with every check
 * (DESIGN.md "Access requests"). The engine decides access.request txs with
 * exactly this function, so a dry run and the real tx agree for the same
 * state, parameters and time. Checks that need what a failed check did not
 * find are `skipped`; the first failure gives the code.
 */
export function assessRequest(
  state: RulesState,
  params: RuleParams,
  members: ReadonlySet<string>,
  request: AccessRequestInput,
  time: number,
): Evaluation {
  const { requester, purpose, durationMs } = request;
  const list = new Checklist();
  const account = accountOf(state, requester);
  const level = levelForScore(params, account.score);
  list.check(
    'requester_member',
    members.has(requester),
    'requester_not_member',
    `${requester} is an active member`,
    `${requester} is not an active member of the channel`,
  );

  const dataset = findDataset(state, request.dataset);
  const known = list.check(
    'dataset_known',
    dataset !== undefined,
    'unknown_dataset',
    `dataset ${request.dataset} exists`,
    `no dataset ${request.dataset} is registered`,
  );
  if (!known || dataset === undefined) {
    for (const name of [
      'dataset_active',
      'provider_member',
      'not_own_dataset',
      'no_duplicate',
      'purpose',
      'duration',
      'level',
      'sensitivity',
      'points',
      'privacy_guard',
      'consent',
    ] as const) {
      list.skip(name, 'needs a known dataset');
    }
    return conclude(list, {
      provider: null,
      level,
      account,
      cost: null,
      grantExpiresAt: null,
      exempt: false,
      conflicts: [],
    });
  }
  const { terms, owner } = dataset;
  list.check(
    'dataset_active',
    dataset.status === 'active',
    'dataset_deprecated',
    'the dataset is active',
    `dataset ${dataset.id} is deprecated`,
  );
  list.check(
    'provider_member',
    members.has(owner),
    'provider_not_member',
    `provider ${owner} is an active member`,
    `provider ${owner} is not an active member of the channel`,
  );
  list.check(
    'not_own_dataset',
    requester !== owner,
    'own_dataset',
    'the requester is not the owner',
    `${requester} owns ${dataset.id}; owners need no grant`,
  );
  list.check(
    'no_duplicate',
    !hasDuplicate(state, requester, dataset.id, purpose, time),
    'duplicate_request',
    'no live grant or pending request for this dataset and purpose',
    `${requester} already has a live grant or pending request for ${dataset.id} and purpose ${purpose}`,
  );
  list.check(
    'purpose',
    terms.purposes === null || terms.purposes.includes(purpose),
    'purpose_not_allowed',
    terms.purposes === null ? 'the policy allows any purpose' : `purpose ${purpose} is allowed`,
    `purpose ${purpose} is not among the allowed purposes (${(terms.purposes ?? []).join(', ')})`,
  );
  const maxDuration =
    terms.maxDurationMs === null ? params.maxGrantDurationMs : Math.min(terms.maxDurationMs, params.maxGrantDurationMs);
  const durationOk = list.check(
    'duration',
    durationMs <= maxDuration,
    'duration_too_long',
    `${durationMs} ms is within the limit of ${maxDuration} ms`,
    `${durationMs} ms is longer than the limit of ${maxDuration} ms`,
  );
  const maxSensitivity = maxSensitivityOf(params, level);
  list.check(
    'level',
    level >= terms.minLevel,
    'level_too_low',
    `level ${level} meets the required ${terms.minLevel}`,
    `level ${level} is below the required ${terms.minLevel}`,
  );
  list.check(
    'sensitivity',
    sensitivityRank(maxSensitivity) >= sensitivityRank(dataset.sensitivity),
    'sensitivity_not_allowed',
    `level ${level} may request ${dataset.sensitivity} data`,
    `level ${level} may request data up to ${maxSensitivity}, not ${dataset.sensitivity}`,
  );

  const fee = params.requestCost[dataset.sensitivity];
  const total = checkedSum(fee, terms.compensation);
  const providerScore = checkedSum(accountOf(state, owner).score, terms.compensation);
  const grantExpiresAt = durationOk ? (checkedSum(time, durationMs) ?? null) : null;
  let cost: Evaluation['cost'] = null;
  if (total === undefined || providerScore === undefined || (durationOk && grantExpiresAt === null)) {
    list.fail(
      'points',
      'amount_overflow',
      "the price, the provider's points or the grant's end would exceed the safe integer range",
    );
  } else {
    cost = { fee, compensation: terms.compensation, total };
    list.check(
      'points',
      account.balance >= total,
      'insufficient_points',
      `balance ${account.balance} covers the price of ${total}`,
      `balance ${account.balance} is short of the price of ${total} (fee ${fee} + compensation ${terms.compensation})`,
    );
  }

  const guard = privacyGuard(state, params, requester, dataset, purpose, time);
  list.check('privacy_guard', guard.ok, 'privacy_guard', guard.message, guard.message);
  if (terms.consentRequired) list.pending('consent', `the policy requires ${owner}'s consent`);
  else list.pass('consent', 'no consent required');
  return conclude(list, {
    provider: owner,
    level,
    account,
    cost,
    grantExpiresAt,
    exempt: guard.exempt,
    conflicts: guard.conflicts,
  });
}

interface Facts {
  readonly provider: string | null;
  readonly level: number;
  readonly account: { readonly score: number; readonly balance: number };
  readonly cost: Evaluation['cost'];
  readonly grantExpiresAt: number | null;
  readonly exempt: boolean;
  readonly conflicts: ConflictingGrant[];
}

function conclude(list: Checklist, facts: Facts): Evaluation {
  const common = {
    checks: list.checks,
    provider: facts.provider,
    level: facts.level,
    score: facts.account.score,
    balance: facts.account.balance,
    cost: facts.cost,
    grantExpiresAt: facts.grantExpiresAt,
    exempt: facts.exempt,
    conflicts: facts.conflicts,
  };
  const failure = list.firstFailure();
  if (failure !== undefined && failure.code !== null) {
    const outcome = denialCodes.has(failure.code) ? 'denied' : 'rejected';
    return { ...common, outcome, code: failure.code, message: failure.message };
  }
  if (list.checks.some((c) => c.status === 'pending')) {
    return {
      ...common,
      outcome: 'pending',
      code: 'consent_required',
      message: `waiting for ${facts.provider ?? 'the provider'}'s consent`,
    };
  }
  return { ...common, outcome: 'granted', code: 'auto', message: 'the policy allows it and level and points suffice' };
}

/** A request that does not even parse: rejected with its issues, nothing else checked. */
export function invalidRequestEvaluation(error: z.ZodError): Evaluation {
  const message = `invalid access request: ${describeIssues(zodIssues(error))}`;
  return {
    outcome: 'rejected',
    code: 'invalid_payload',
    message,
    checks: [],
    provider: null,
    level: 0,
    score: 0,
    balance: 0,
    cost: null,
    grantExpiresAt: null,
    exempt: false,
    conflicts: [],
  };
}
