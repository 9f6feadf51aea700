import { Command, Option } from 'commander';
import { addConnectionOptions, addGlobalConnectionOptions } from './connection.options';

/** A program with the global options, a department command and one without them; returns what each action got. */
function parse(argv: string[]): Record<string, unknown> {
  let seen: Record<string, unknown> = {};
  const program = addGlobalConnectionOptions(new Command('accord').exitOverride());
  addConnectionOptions(program.command('head')).action((options: Record<string, unknown>) => {
    seen = { command: 'head', ...options };
  });
  program
    .command('up')
    .addOption(new Option('--data-dir <dir>').default('.accord'))
    .action((options: Record<string, unknown>) => {
      seen = { command: 'up', ...options };
    });
  program.command('keygen').action((options: Record<string, unknown>) => {
    seen = { command: 'keygen', ...options };
  });
  program.parse(argv, { from: 'user' });
  return seen;
}

describe('connection options before the command', () => {
  it('hands --dept, --profiles, --data-dir and --token given before the command to it', () => {
    expect(
      parse(['--dept', 'health', '--profiles', 'p.json', '--data-dir', '/net', '--token', 't', 'head', '--json']),
    ).toEqual({ command: 'head', dept: 'health', profiles: 'p.json', dataDir: '/net', token: 't', json: true });
  });

  it('reads them after the command as before', () => {
    expect(parse(['head', '--dept', 'transport'])).toEqual({ command: 'head', dept: 'transport' });
  });

  it("replaces a command's default with the line's value", () => {
    expect(parse(['up'])).toEqual({ command: 'up', dataDir: '.accord' });
    expect(parse(['--data-dir', '/net', 'up'])).toEqual({ command: 'up', dataDir: '/net' });
  });

  it('leaves a command without such options alone', () => {
    expect(parse(['--dept', 'health', 'keygen'])).toEqual({ command: 'keygen' });
  });
});
