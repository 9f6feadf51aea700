import { z } from 'zod';
import { API_TOKEN_NAME } from './api-token.model';
import { ROLES } from './principal.model';

const tokenNameSchema = z
  .string()
  .regex(API_TOKEN_NAME, 'must be lower-case letters, digits and inner hyphens, at most 63 characters');

/** POST /v1/admin/tokens: the new token's name and roles (at least one; repeats are dropped). */
export const createApiTokenRequestSchema = z.strictObject({
  name: tokenNameSchema,
  roles: z
    .array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }))
    .min(1, 'must list at least one role')
    .transform((roles) => [...new Set(roles)]),
});
export type CreateApiTokenRequest = z.output<typeof createApiTokenRequestSchema>;

/** The path parameter of DELETE /v1/admin/tokens/:name. */
export const apiTokenNameParamsSchema = z.strictObject({ name: tokenNameSchema });

const rolesSchema = z.array(z.enum(ROLES));

/** 201: the token, shown this once (only its hash is stored). */
export const createdApiTokenSchema = z.object({
  name: z.string(),
  roles: rolesSchema,
  token: z.string().describe('The secret: `acd_` and 43 base64url characters. Shown once; only its hash is kept.'),
  createdAt: z.string().describe('ISO-8601'),
});
export type CreatedApiToken = z.output<typeof createdApiTokenSchema>;

/** One token as listed: never its hash. createdAt/createdBy are null for tokens written by hand or by `accord up`. */
export const listedApiTokenSchema = z.object({
  name: z.string(),
  roles: rolesSchema,
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
});
export type ListedApiToken = z.output<typeof listedApiTokenSchema>;

export const apiTokenListSchema = z.object({ tokens: z.array(listedApiTokenSchema) });
export type ApiTokenList = z.output<typeof apiTokenListSchema>;

export const revokedApiTokenSchema = z.object({ name: z.string(), revoked: z.literal(true) });
export type RevokedApiToken = z.output<typeof revokedApiTokenSchema>;
