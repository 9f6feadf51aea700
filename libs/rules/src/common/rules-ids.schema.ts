import { hashHexSchema, memberIdSchema, NAME_PATTERN } from '@accord/protocol';
import { z } from 'zod';

/** Purposes, data types, domains and subject keys: short lowercase words such as `public-safety`. */
export const TOKEN_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
export const tokenSchema = z.string().regex(TOKEN_PATTERN, 'must match [a-z][a-z0-9_-]{0,63}');

/** A dataset's name, unique per owner (same alphabet as member ids). */
export const datasetNameSchema = z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}');

/** Dataset id: `<owner>/<name>`, fixed at registration and never reused. */
export const DATASET_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}\/[a-z0-9][a-z0-9._-]{0,63}$/;
export const datasetIdSchema = z.string().regex(DATASET_ID_PATTERN, 'must be <owner>/<name>');

export function datasetId(owner: string, name: string): string {
  return `${owner}/${name}`;
}

/** Requests and grants are named by the txId of the access.request (a grant shares its request's id). */
export const requestIdSchema = hashHexSchema;
export const grantIdSchema = hashHexSchema;

export { memberIdSchema };

/** Free-text notes (titles, reasons): bounded, never interpreted. */
export function textSchema(max: number) {
  return z.string().max(max);
}

export const SENSITIVITIES = ['public', 'internal', 'personal', 'sensitive'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];
export const sensitivitySchema = z.enum(SENSITIVITIES);

/** Order of sensitivities: a level allowed `personal` may also request `public` and `internal`. */
export function sensitivityRank(sensitivity: Sensitivity): number {
  return SENSITIVITIES.indexOf(sensitivity);
}

/** Sensitivities the privacy guard protects ("personal data about a subject"). */
export function isPersonal(sensitivity: Sensitivity): boolean {
  return sensitivity === 'personal' || sensitivity === 'sensitive';
}

export const UPDATE_FREQUENCIES = [
  'once',
  'yearly',
  'quarterly',
  'monthly',
  'weekly',
  'daily',
  'hourly',
  'realtime',
] as const;
export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];
export const updateFrequencySchema = z.enum(UPDATE_FREQUENCIES);

export const GOVERNANCE_MODES = ['light', 'strong'] as const;
export type GovernanceMode = (typeof GOVERNANCE_MODES)[number];
export const governanceModeSchema = z.enum(GOVERNANCE_MODES);

/** Zod issues as `path: message` pairs, the form every rejected receipt carries. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export function zodIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: [prefix, path].filter((p) => p !== '').join('.') || '(root)', message: issue.message };
  });
}

export function describeIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
