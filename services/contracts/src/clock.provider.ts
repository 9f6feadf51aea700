import type { Provider } from '@nestjs/common';

/**
 * The wall clock (ms) of the HTTP use cases: the default time of a dry run
 * and the informative `ts` of the txs this service signs. The rules never
 * read it; they see block time only.
 */
export const CLOCK = 'contracts:clock';

export type Clock = () => number;

export const clockProvider: Provider = { provide: CLOCK, useValue: (() => Date.now()) satisfies Clock };
