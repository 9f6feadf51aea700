import { AccordError } from '../errors/accord.errors';

export interface ConfigProblem {
  /** Environment variable name. */
  readonly variable: string;
  readonly reason: string;
}

/** Invalid environment: lists EVERY bad variable so one restart fixes them all. */
export class ConfigError extends AccordError {
  readonly code = 'config_invalid';

  constructor(
    readonly problems: readonly ConfigProblem[],
    subject = 'configuration',
  ) {
    super(
      `Invalid ${subject} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'),
      { problems },
    );
  }
}
