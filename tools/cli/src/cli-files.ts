import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { ProtocolError } from '@accord/protocol';
import { CliInputError } from './cli.context';

/** Reads and parses a JSON file, turning every failure into a one-line CliInputError. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliInputError(`cannot read ${what} ${path}: ${reason}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliInputError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads a JSON file and validates it; a validation ProtocolError names the file. */
export function readValidatedFile<T>(path: string, what: string, validate: (value: unknown) => T): T {
  const value = readJsonFile(path, what);
  try {
    return validate(value);
  } catch (error) {
    if (error instanceof ProtocolError) throw new CliInputError(`${what} ${path}: ${error.message}`);
    throw error;
  }
}

/** Commander option parser for a positive integer. */
export function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return Number(value);
}

/** Commander option parser for a non-negative integer (heights start at 0). */
export function nonNegativeInteger(value: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a non-negative integer.');
  }
  return Number(value);
}

/** Commander parser of a repeatable option: every occurrence, in order. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
