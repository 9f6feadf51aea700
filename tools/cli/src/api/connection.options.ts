import { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { DepartmentApi } from './department.api';
import { ConnectionOptions, resolveProfile } from './profile.resolver';

/** The options every command that talks to a department accepts (addConnectionOptions). */
export interface ApiCommandOptions extends ConnectionOptions {
  readonly json?: boolean;
}

/**
 * Adds `--dept`, `--profiles`, `--data-dir`, `--token` and `--json` to a
 * command, so they read the same everywhere; connect() turns them into the API.
 */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--dept <name>', 'department: a profile name or department id (env ACCORD_DEPT)')
    .option('--profiles <file>', 'profiles file (env ACCORD_PROFILES; default ~/.config/accord/profiles.json)')
    .option(
      '--data-dir <dir>',
      "a local network's data dir, read for network.json (env ACCORD_DATA_DIR; default .accord)",
    )
    .option('--token <token>', "API token instead of the profile's (env ACCORD_TOKEN)")
    .option('--json', 'print the result as JSON on stdout, for scripts');
}

/** The API of the department the options name (docs/cli.md "Profiles"). */
export function connect(options: ConnectionOptions, context: CliContext): DepartmentApi {
  return new DepartmentApi(resolveProfile(options, context.env));
}
