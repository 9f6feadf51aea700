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

/** The connection options a user may also give before the command (`accord --dept health channel list`). */
const GLOBAL_CONNECTION_OPTIONS = ['dept', 'profiles', 'dataDir', 'token'] as const;

/**
 * Accepts `--dept`, `--profiles`, `--data-dir` and `--token` on the program
 * too, as the hints print them (`accord --dept education channel join
 * alliance`), and hands them to the command that runs when it declares the
 * same option: commander parses a program option wherever it stands on the
 * line, so without this a command would never see it. A value the command
 * got on the line itself is kept; one it only has from its environment or
 * its default gives way to the line's.
 */
export function addGlobalConnectionOptions(program: Command): Command {
  program
    .option('--dept <name>', 'department (as on every department command)')
    .option('--profiles <file>', 'profiles file (as on every department command)')
    .option('--data-dir <dir>', "a local network's data dir (as on every department command)")
    .option('--token <token>', 'API token (as on every department command)');
  return program.hook('preAction', (root, command) => {
    if (command === root) return;
    for (const key of GLOBAL_CONNECTION_OPTIONS) {
      const value: unknown = root.getOptionValue(key);
      if (value === undefined || root.getOptionValueSource(key) !== 'cli') continue;
      if (!command.options.some((option) => option.attributeName() === key)) continue;
      if (command.getOptionValueSource(key) === 'cli') continue;
      command.setOptionValueWithSource(key, value, 'cli');
    }
  });
}
