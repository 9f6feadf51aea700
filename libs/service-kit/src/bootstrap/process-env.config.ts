import type { Env } from '../config/common.config';

/** The process environment: the only place the kit reads process.env. */
export function processEnv(): Env {
  return process.env;
}
