import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CliEnv, CliInputError } from '../cli.context';
import { DepartmentProfile, SERVICE_NAMES, ServiceUrls } from './department.profile';

/** Profiles by name: the content of the profiles file. */
export type ProfilesFile = Readonly<Record<string, DepartmentProfile>>;

/** Profile names are used on the command line (`--dept <name>`). */
export const PROFILE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `--profiles`, then ACCORD_PROFILES, then `$XDG_CONFIG_HOME/accord/profiles.json` (default `~/.config`). */
export function profilesPath(flag: string | undefined, env: CliEnv): { path: string; explicit: boolean } {
  const explicit = flag ?? env['ACCORD_PROFILES'];
  if (explicit !== undefined && explicit !== '') return { path: resolve(explicit), explicit: true };
  const configHome = env['XDG_CONFIG_HOME'] || join(env['HOME'] ?? env['USERPROFILE'] ?? '.', '.config');
  return { path: join(configHome, 'accord', 'profiles.json'), explicit: false };
}

/**
 * Reads the profiles file; undefined when it does not exist (a missing
 * default file is normal; a missing explicit one is the caller's error).
 */
export function readProfilesFile(path: string): ProfilesFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliInputError(`cannot read the profiles file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliInputError(`the profiles file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return validateProfiles(value, path);
}

/** Writes the profiles file atomically (mode 0600: a profile may hold a token). */
export function writeProfilesFile(path: string, profiles: ProfilesFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The token file of a profile as an absolute path (relative ones are relative to the profiles file). */
export function profileTokenFile(profile: DepartmentProfile, profilesFile: string): string | undefined {
  if (profile.tokenFile === undefined) return undefined;
  return isAbsolute(profile.tokenFile) ? profile.tokenFile : resolve(dirname(profilesFile), profile.tokenFile);
}

function validateProfiles(value: unknown, path: string): ProfilesFile {
  if (!isRecord(value)) throw new CliInputError(`the profiles file ${path} must be a JSON object of profiles by name`);
  const profiles: Record<string, DepartmentProfile> = {};
  for (const [name, entry] of Object.entries(value)) {
    const problem = profileProblem(name, entry);
    if (problem !== undefined) throw new CliInputError(`the profiles file ${path}: profile ${name}: ${problem}`);
    profiles[name] = entry as DepartmentProfile;
  }
  return profiles;
}

/** What is wrong with one profile entry, or undefined. */
export function profileProblem(name: string, entry: unknown): string | undefined {
  if (!PROFILE_NAME.test(name)) return 'the name must match [a-z0-9][a-z0-9._-]{0,63}';
  if (!isRecord(entry)) return 'must be an object {department, urls, token?, tokenFile?}';
  if (typeof entry['department'] !== 'string' || entry['department'] === '') return 'department must be a string';
  const urlsProblem = serviceUrlsProblem(entry['urls']);
  if (urlsProblem !== undefined) return urlsProblem;
  for (const key of ['token', 'tokenFile'] as const) {
    if (entry[key] !== undefined && typeof entry[key] !== 'string') return `${key} must be a string`;
  }
  return undefined;
}

/** What is wrong with a service URL map, or undefined. */
export function serviceUrlsProblem(urls: unknown): string | undefined {
  if (!isRecord(urls)) return `urls must be an object with ${SERVICE_NAMES.join(', ')}`;
  for (const service of SERVICE_NAMES) {
    const url = urls[service];
    if (typeof url !== 'string' || !isHttpUrl(url)) return `urls.${service} must be an http(s) URL`;
  }
  return undefined;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The URLs without trailing slashes, so paths append cleanly. */
export function normalizeUrls(urls: ServiceUrls): ServiceUrls {
  const strip = (url: string) => url.replace(/\/+$/, '');
  return {
    ledger: strip(urls.ledger),
    contracts: strip(urls.contracts),
    catalog: strip(urls.catalog),
    'storage-gateway': strip(urls['storage-gateway']),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
