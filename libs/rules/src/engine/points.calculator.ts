import { checkedSum } from '../common/amount.math';
import { UpdateFrequency } from '../common/rules-ids.schema';
import { PointsTable } from '../params/rule-params.schema';
import { ownValue } from '../state/rules-state.queries';
import { Account } from '../state/rules-state.schema';

export interface PointsBasis {
  readonly dataType: string;
  readonly volumeBytes: number;
  readonly updateFrequency: UpdateFrequency;
}

/** Points a registration or update earns: data type + volume class + update frequency; undefined on overflow. */
export function datasetPoints(table: PointsTable, basis: PointsBasis): number | undefined {
  const byType = ownValue(table.byDataType, basis.dataType) ?? table.otherDataType;
  let byVolume = 0;
  for (const step of table.byVolume) if (step.minBytes <= basis.volumeBytes) byVolume = step.points;
  return checkedSum(byType, byVolume, table.byUpdateFrequency[basis.updateFrequency]);
}

/**
 * The account after earning `points` (score and balance both grow), or
 * undefined when the score would leave the safe range. balance + held never
 * exceeds score, so checking the score covers every field.
 */
export function credit(account: Account, points: number): Account | undefined {
  const score = checkedSum(account.score, points);
  if (score === undefined) return undefined;
  return { balance: account.balance + points, held: account.held, score };
}
