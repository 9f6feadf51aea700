import { resolve } from 'node:path';
import { Command } from 'commander';
import { DepartmentProfile, SERVICE_NAMES, ServiceName, ServiceUrls } from '../../api/department.profile';
import { dataDirOf, networkFilePath, readNetworkFile } from '../../api/network.file';
import {
  isHttpUrl,
  PROFILE_NAME,
  profilesPath,
  ProfilesFile,
  readProfilesFile,
  writeProfilesFile,
} from '../../api/profiles.file';
import { CliCommand, CliContext, CliInputError } from '../../cli.context';
import { collect } from '../../cli-files';
import { printJson, printTable } from '../../output/printer';
import { examples } from '../command-help';

interface ProfilesOptions {
  readonly profiles?: string;
  readonly dataDir?: string;
  readonly json?: boolean;
}

interface AddOptions extends ProfilesOptions {
  readonly department?: string;
  readonly baseUrl?: string;
  readonly url?: readonly string[];
  readonly token?: string;
  readonly tokenFile?: string;
  readonly force?: boolean;
}

/** A department the CLI knows, as `profile list` shows it. */
interface ListedProfile {
  readonly name: string;
  readonly department: string;
  readonly source: 'profiles' | 'network';
  readonly urls: ServiceUrls;
  readonly token: 'inline' | 'file' | 'none';
  readonly tokenFile?: string;
}

/**
 * `accord profile list|add|remove`: the profiles file (docs/cli.md
 * "Profiles"), which tells the other commands how to reach a department
 * that is not part of a local network.
 */
export const profileCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    const group = program
      .command('profile')
      .description('the departments the CLI can talk to: profiles file and local network')
      .addHelpText(
        'after',
        `
Examples:
  accord profile list
  accord profile add health-prod --department health --base-url https://ledger.health.example:7110 --token-file ~/.accord/health.token
  accord profile remove health-prod`,
      );

    profilesOption(group.command('list'))
      .description('list the profiles and the departments of the local network')
      .addHelpText('after', examples('accord profile list', 'accord profile list --data-dir /srv/accord --json'))
      .option('--data-dir <dir>', "a local network's data dir (env ACCORD_DATA_DIR; default .accord)")
      .option('--json', 'print the profiles as JSON')
      .action((options: ProfilesOptions) => listProfiles(context, options));

    profilesOption(group.command('add'))
      .description('add (or with --force replace) a profile in the profiles file')
      .addHelpText(
        'after',
        examples(
          'accord profile add health-prod --department health --base-url https://health.example:7110 --token-file ~/.accord/health.token',
          'accord profile add lab --url ledger=http://10.0.0.5:7110 --url contracts=http://10.0.0.5:7111 --url catalog=http://10.0.0.5:7112 --url storage-gateway=http://10.0.0.5:7113',
        ),
      )
      .argument('<name>', 'profile name, used as --dept <name>')
      .option('--department <id>', 'department id (default: the profile name)')
      .option('--base-url <url>', 'ledger URL; contracts, catalog and storage gateway on the next three ports')
      .option(
        '--url <service=url>',
        `one service's URL (${SERVICE_NAMES.join(', ')}); repeatable, overrides --base-url`,
        collect,
      )
      .option('--token-file <file>', 'file holding the API token (preferred: keeps the secret out of the profile)')
      .option('--token <token>', 'the API token itself, stored in the profiles file (mode 0600)')
      .option('--force', 'replace a profile of that name')
      .action((name: string, options: AddOptions) => addProfile(context, name, options));

    profilesOption(group.command('remove'))
      .description('remove a profile from the profiles file')
      .addHelpText('after', examples('accord profile remove health-prod'))
      .argument('<name>', 'profile name')
      .action((name: string, options: ProfilesOptions) => removeProfile(context, name, options));
  },
};

function profilesOption(command: Command): Command {
  return command.option(
    '--profiles <file>',
    'profiles file (env ACCORD_PROFILES; default ~/.config/accord/profiles.json)',
  );
}

function listProfiles(context: CliContext, options: ProfilesOptions): void {
  const file = profilesPath(options.profiles, context.env);
  const profiles = readProfilesFile(file.path) ?? {};
  const dataDir = dataDirOf(options.dataDir, context.env);
  const network = readNetworkFile(dataDir);
  const listed: ListedProfile[] = [
    ...Object.entries(profiles).map(([name, profile]) => ({
      name,
      department: profile.department,
      source: 'profiles' as const,
      urls: profile.urls,
      token:
        profile.token !== undefined
          ? ('inline' as const)
          : profile.tokenFile !== undefined
            ? ('file' as const)
            : ('none' as const),
      ...(profile.tokenFile === undefined ? {} : { tokenFile: profile.tokenFile }),
    })),
    ...(network?.departments ?? []).map((department) => ({
      name: department.id,
      department: department.id,
      source: 'network' as const,
      urls: department.urls,
      token: 'file' as const,
      tokenFile: department.tokenFile,
    })),
  ];
  if (options.json === true) {
    printJson(context.io, { profilesFile: file.path, networkFile: networkFilePath(dataDir), profiles: listed });
    return;
  }
  printTable(
    context.io,
    listed,
    [
      { header: 'name', value: (p) => p.name },
      { header: 'department', value: (p) => p.department },
      { header: 'source', value: (p) => p.source },
      { header: 'ledger', value: (p) => p.urls.ledger },
      { header: 'token', value: (p) => (p.token === 'file' ? p.tokenFile : p.token) },
    ],
    `no profiles in ${file.path} and no local network in ${dataDir}: add one with \`accord profile add\` or run \`accord up\``,
  );
}

function addProfile(context: CliContext, name: string, options: AddOptions): void {
  if (!PROFILE_NAME.test(name))
    throw new CliInputError(`profile name ${JSON.stringify(name)} must match [a-z0-9][a-z0-9._-]{0,63}`);
  if (options.token !== undefined && options.tokenFile !== undefined) {
    throw new CliInputError('give either --token or --token-file, not both');
  }
  const file = profilesPath(options.profiles, context.env);
  const profiles: ProfilesFile = readProfilesFile(file.path) ?? {};
  if (profiles[name] !== undefined && options.force !== true) {
    throw new CliInputError(
      `profile ${name} exists in ${file.path}`,
      'pass --force to replace it, or pick another name',
    );
  }
  const profile: DepartmentProfile = {
    department: options.department ?? name,
    urls: serviceUrls(options),
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.tokenFile === undefined ? {} : { tokenFile: resolve(options.tokenFile) }),
  };
  writeProfilesFile(file.path, { ...profiles, [name]: profile });
  context.io.out(`added profile ${name} (department ${profile.department}) to ${file.path}`);
  if (options.token === undefined && options.tokenFile === undefined) {
    context.io.err('warning: the profile has no token: pass --token on each command, or add --token-file');
  }
}

function removeProfile(context: CliContext, name: string, options: ProfilesOptions): void {
  const file = profilesPath(options.profiles, context.env);
  const profiles = readProfilesFile(file.path) ?? {};
  if (profiles[name] === undefined) {
    const known = Object.keys(profiles);
    throw new CliInputError(
      `no profile ${name} in ${file.path}`,
      known.length === 0 ? 'the file has no profiles' : `known profiles: ${known.join(', ')}`,
    );
  }
  const { [name]: _removed, ...rest } = profiles;
  writeProfilesFile(file.path, rest);
  context.io.out(`removed profile ${name} from ${file.path}`);
}

/** The four URLs from --base-url (consecutive ports, as `accord up` lays them out) and --url overrides. */
function serviceUrls(options: AddOptions): ServiceUrls {
  const urls: Partial<Record<ServiceName, string>> = {};
  if (options.baseUrl !== undefined) {
    if (!isHttpUrl(options.baseUrl)) throw new CliInputError(`--base-url ${options.baseUrl} is not an http(s) URL`);
    const base = new URL(options.baseUrl);
    const port = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
    SERVICE_NAMES.forEach((service, index) => {
      const url = new URL(base.toString());
      url.port = String(port + index);
      urls[service] = url.toString().replace(/\/+$/, '');
    });
  }
  for (const entry of options.url ?? []) {
    const match = /^([a-z-]+)=(.+)$/.exec(entry);
    const service = match?.[1] as ServiceName | undefined;
    if (match === null || service === undefined || !SERVICE_NAMES.includes(service)) {
      throw new CliInputError(
        `--url ${entry}: expected <service>=<url> with service one of ${SERVICE_NAMES.join(', ')}`,
      );
    }
    if (!isHttpUrl(match[2])) throw new CliInputError(`--url ${entry}: ${match[2]} is not an http(s) URL`);
    urls[service] = match[2].replace(/\/+$/, '');
  }
  const missing = SERVICE_NAMES.filter((service) => urls[service] === undefined);
  if (missing.length > 0) {
    throw new CliInputError(
      `no URL for ${missing.join(', ')}`,
      'pass --base-url <ledger url> or --url <service>=<url> for each service',
    );
  }
  return urls as ServiceUrls;
}
