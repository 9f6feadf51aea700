import { readFileSync } from 'node:fs';
import { CliEnv, CliInputError } from '../cli.context';
import { ProfileOrigin, ResolvedProfile, ServiceUrls } from './department.profile';
import { dataDirOf, networkFilePath, readNetworkFile, type NetworkDepartmentEntry } from './network.file';
import { normalizeUrls, profileTokenFile, profilesPath, readProfilesFile } from './profiles.file';

/** The common options of every command that talks to a department (addConnectionOptions). */
export interface ConnectionOptions {
  readonly dept?: string;
  readonly profiles?: string;
  readonly dataDir?: string;
  readonly token?: string;
}

/** A department the CLI knows, before its token is read. */
interface KnownDepartment {
  readonly name: string;
  readonly department: string;
  readonly urls: ServiceUrls;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly origin: ProfileOrigin;
}

/**
 * Picks the department a command talks to (docs/cli.md "Profiles"): by
 * `--dept`/ACCORD_DEPT among the profiles file's entries, then the local
 * network's departments (profile names first, then department ids); with
 * neither given, the only department known. The token is `--token`, then
 * ACCORD_TOKEN, then the profile's token or token file.
 */
export function resolveProfile(options: ConnectionOptions, env: CliEnv): ResolvedProfile {
  const known = knownDepartments(options, env);
  const wanted = options.dept ?? nonEmpty(env['ACCORD_DEPT']);
  const chosen = wanted === undefined ? onlyDepartment(known) : findDepartment(known, wanted);
  return { ...chosen, urls: normalizeUrls(chosen.urls), ...tokenOf(chosen, options, env) };
}

/** Every department known from the profiles file and the local network file, profiles first. */
function knownDepartments(options: ConnectionOptions, env: CliEnv): KnownSources {
  const profiles = profilesPath(options.profiles, env);
  const profilesFile = readProfilesFile(profiles.path);
  if (profilesFile === undefined && profiles.explicit) {
    throw new CliInputError(
      `no profiles file at ${profiles.path}`,
      'create it with `accord profile add <name> ...`, or drop --profiles/ACCORD_PROFILES',
    );
  }
  const dataDir = dataDirOf(options.dataDir, env);
  const network = readNetworkFile(dataDir);
  const departments: KnownDepartment[] = [];
  for (const [name, profile] of Object.entries(profilesFile ?? {})) {
    departments.push({
      name,
      department: profile.department,
      urls: profile.urls,
      token: profile.token,
      tokenFile: profileTokenFile(profile, profiles.path),
      origin: { kind: 'profiles', path: profiles.path },
    });
  }
  for (const department of network?.departments ?? []) {
    departments.push(knownFromNetwork(department, dataDir, network?.channel ?? ''));
  }
  return { departments, profilesPath: profiles.path, networkPath: networkFilePath(dataDir) };
}

/**
 * The profile of one department of a local network, with its own token
 * file: what the demo uses to act as each department in turn, whatever
 * profiles or ACCORD_TOKEN the user has.
 */
export function networkDepartmentProfile(
  department: NetworkDepartmentEntry,
  dataDir: string,
  channel: string,
): ResolvedProfile {
  const known = knownFromNetwork(department, dataDir, channel);
  return { ...known, urls: normalizeUrls(known.urls), ...tokenOf(known, {}, {}) };
}

function knownFromNetwork(department: NetworkDepartmentEntry, dataDir: string, channel: string): KnownDepartment {
  return {
    name: department.id,
    department: department.id,
    urls: department.urls,
    tokenFile: department.tokenFile,
    origin: { kind: 'network', path: networkFilePath(dataDir), dataDir, channel },
  };
}

interface KnownSources {
  readonly departments: readonly KnownDepartment[];
  readonly profilesPath: string;
  readonly networkPath: string;
}

function onlyDepartment(known: KnownSources): KnownDepartment {
  const names = [...new Set(known.departments.map((d) => d.name))];
  if (names.length === 1) return known.departments[0];
  if (names.length === 0) {
    throw new CliInputError(
      `no department known (no profiles in ${known.profilesPath}, no local network at ${known.networkPath})`,
      'start a local network with `accord up`, pass --data-dir of a running one, or add a profile with `accord profile add`',
    );
  }
  throw new CliInputError(
    `several departments are known (${names.join(', ')})`,
    'choose one with --dept <name> or ACCORD_DEPT',
  );
}

function findDepartment(known: KnownSources, wanted: string): KnownDepartment {
  const match =
    known.departments.find((d) => d.name === wanted) ?? known.departments.find((d) => d.department === wanted);
  if (match !== undefined) return match;
  const names = [...new Set(known.departments.map((d) => d.name))];
  throw new CliInputError(
    `unknown department ${JSON.stringify(wanted)} (known: ${names.length === 0 ? 'none' : names.join(', ')})`,
    `add it with \`accord profile add ${wanted} --department ${wanted} --url ...\`, or check --data-dir (network file ${known.networkPath})`,
  );
}

function tokenOf(
  department: KnownDepartment,
  options: ConnectionOptions,
  env: CliEnv,
): Pick<ResolvedProfile, 'token' | 'tokenSource'> {
  if (options.token !== undefined) return { token: options.token, tokenSource: '--token' };
  const fromEnv = nonEmpty(env['ACCORD_TOKEN']);
  if (fromEnv !== undefined) return { token: fromEnv, tokenSource: 'ACCORD_TOKEN' };
  if (department.token !== undefined) return { token: department.token, tokenSource: `profile ${department.name}` };
  if (department.tokenFile === undefined) return { token: undefined, tokenSource: 'none' };
  try {
    return { token: readFileSync(department.tokenFile, 'utf8').trim(), tokenSource: department.tokenFile };
  } catch (error) {
    throw new CliInputError(
      `cannot read the token file ${department.tokenFile} of ${department.name}: ${(error as Error).message}`,
      'pass the token with --token or ACCORD_TOKEN, or fix tokenFile in the profile',
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
