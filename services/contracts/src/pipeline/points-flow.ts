import { findRequest, type Receipt, type RulesState } from '@accord/rules';

/**
 * Where a receipt moves points (the chart's "Sharing activity" dashboard):
 * rewards minted for registering datasets and for uses, the escrow a
 * pending request holds, the price of a granted request split into the
 * provider's compensation and the burned fee, and escrow refunded when a
 * request ends without a grant.
 */
export const POINTS_FLOWS = [
  'registration_reward',
  'use_reward',
  'held',
  'compensation',
  'fee_burned',
  'refunded',
] as const;
export type PointsFlow = (typeof POINTS_FLOWS)[number];

/**
 * The points a receipt moves, by flow (zero amounts left out). `state` is
 * the rule state after the receipt: a consent's receipt names its request,
 * whose price is in the state's request record.
 */
export function pointsFlowOf(receipt: Receipt, state: RulesState): [PointsFlow, number][] {
  const flows = ((): [PointsFlow, number][] => {
    switch (receipt.kind) {
      case 'registered':
      case 'updated':
        return [['registration_reward', receipt.points]];
      case 'used':
        return [['use_reward', receipt.points]];
      case 'pending':
        return [['held', receipt.request.held]];
      case 'granted':
        return [
          ['compensation', receipt.request.compensation],
          ['fee_burned', receipt.request.fee],
        ];
      case 'consented': {
        const request = findRequest(state, receipt.request);
        return request === undefined
          ? []
          : [
              ['compensation', request.compensation],
              ['fee_burned', request.fee],
            ];
      }
      case 'denied':
      case 'refused':
      case 'cancelled':
        return [['refunded', receipt.refund]];
      case 'expired':
        return receipt.code === 'request_expired' ? [['refunded', receipt.refund]] : [];
      case 'deprecated':
      case 'revoked':
      case 'rejected':
        return [];
      default: {
        const unreachable: never = receipt;
        throw new Error(`unhandled receipt ${JSON.stringify(unreachable)}`);
      }
    }
  })();
  return flows.filter(([, amount]) => amount > 0);
}
