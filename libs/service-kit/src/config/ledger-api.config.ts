import { z } from 'zod';
import { optionalVar } from './common.config';

/** An http(s) base URL, without trailing slashes. */
export const httpUrlVar = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

/** This department's ledger API, for services that read it (docs/services.md "Ledger API access"). */
export interface LedgerApiConfig {
  readonly url: string;
  readonly token: string;
}

/** ACCORD_LEDGER_URL and ACCORD_LEDGER_TOKEN: both or neither. */
export const ledgerApiEnvShape = {
  ACCORD_LEDGER_URL: optionalVar(httpUrlVar),
  ACCORD_LEDGER_TOKEN: optionalVar(z.string().min(1)),
};

type LedgerApiEnv = { ACCORD_LEDGER_URL?: string; ACCORD_LEDGER_TOKEN?: string };

/** Refinement for a schema with ledgerApiEnvShape: the ledger's read API authenticates every caller, so a URL needs a token. */
export function checkLedgerApiPair(env: LedgerApiEnv, ctx: z.RefinementCtx): void {
  if (env.ACCORD_LEDGER_URL !== undefined && env.ACCORD_LEDGER_TOKEN === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['ACCORD_LEDGER_TOKEN'],
      message: 'is required when ACCORD_LEDGER_URL is set',
    });
  }
  if (env.ACCORD_LEDGER_TOKEN !== undefined && env.ACCORD_LEDGER_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['ACCORD_LEDGER_URL'],
      message: 'is required when ACCORD_LEDGER_TOKEN is set',
    });
  }
}

/** The ledger API settings, or null when not configured. */
export function ledgerApiOf(env: LedgerApiEnv): LedgerApiConfig | null {
  return env.ACCORD_LEDGER_URL !== undefined && env.ACCORD_LEDGER_TOKEN !== undefined
    ? { url: env.ACCORD_LEDGER_URL, token: env.ACCORD_LEDGER_TOKEN }
    : null;
}
