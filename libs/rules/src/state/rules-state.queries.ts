import { Sensitivity } from '../common/rules-ids.schema';
import { RuleParams } from '../params/rule-params.schema';
import {
  Account,
  DatasetRecord,
  GrantRecord,
  GrantStatus,
  RequestRecord,
  RequestStatus,
  RulesState,
} from './rules-state.schema';

// Records are keyed by member ids, dataset ids and txIds; member ids such as
// "constructor" are legal, so every lookup checks own properties only.
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const NO_POINTS: Account = { balance: 0, held: 0, score: 0 };

export function accountOf(state: RulesState, member: string): Account {
  return ownValue(state.accounts, member) ?? NO_POINTS;
}

export function findDataset(state: RulesState, id: string): DatasetRecord | undefined {
  return ownValue(state.datasets, id);
}

export function findRequest(state: RulesState, id: string): RequestRecord | undefined {
  return ownValue(state.requests, id);
}

export function findGrant(state: RulesState, id: string): GrantRecord | undefined {
  return ownValue(state.grants, id);
}

/** The permission level a score reaches: the highest level whose minScore it meets. */
export function levelForScore(params: RuleParams, score: number): number {
  let level = 0;
  for (let i = 0; i < params.levels.length; i++) if (params.levels[i].minScore <= score) level = i;
  return level;
}

/** The most sensitive data a level may request. */
export function maxSensitivityOf(params: RuleParams, level: number): Sensitivity {
  return params.levels[Math.min(level, params.levels.length - 1)].maxSensitivity;
}

/** A department's level under the parameters in force (0 before the channel has parameters). */
export function levelOf(state: RulesState, member: string): number {
  return state.params === null ? 0 : levelForScore(state.params, accountOf(state, member).score);
}

function sortedValues<T>(record: Readonly<Record<string, T>>): T[] {
  return Object.keys(record)
    .sort()
    .map((key) => record[key]);
}

export interface GrantFilter {
  readonly requester?: string;
  readonly provider?: string;
  readonly dataset?: string;
  readonly status?: GrantStatus;
}

/** Grants matching the filter, sorted by id. */
export function listGrants(state: RulesState, filter: GrantFilter = {}): GrantRecord[] {
  return sortedValues(state.grants).filter(
    (g) =>
      (filter.requester === undefined || g.requester === filter.requester) &&
      (filter.provider === undefined || g.provider === filter.provider) &&
      (filter.dataset === undefined || g.dataset === filter.dataset) &&
      (filter.status === undefined || g.status === filter.status),
  );
}

export interface RequestFilter {
  readonly requester?: string;
  readonly provider?: string;
  readonly dataset?: string;
  readonly status?: RequestStatus;
}

/** Requests matching the filter, sorted by id. */
export function listRequests(state: RulesState, filter: RequestFilter = {}): RequestRecord[] {
  return sortedValues(state.requests).filter(
    (r) =>
      (filter.requester === undefined || r.requester === filter.requester) &&
      (filter.provider === undefined || r.provider === filter.provider) &&
      (filter.dataset === undefined || r.dataset === filter.dataset) &&
      (filter.status === undefined || r.status === filter.status),
  );
}

/** Datasets sorted by id, optionally one owner's. */
export function listDatasets(state: RulesState, owner?: string): DatasetRecord[] {
  return sortedValues(state.datasets).filter((d) => owner === undefined || d.owner === owner);
}
