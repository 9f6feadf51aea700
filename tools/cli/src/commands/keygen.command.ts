import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { encodeMemberKeyFile, generateMemberKeys, memberIdSchema } from '@accord/protocol';
import { CliCommand, CliContext, CliInputError } from '../cli.context';

interface KeygenOptions {
  readonly id: string;
  readonly out?: string;
}

/**
 * `accord keygen --id <member-id> [--out <file>]`: a new department key set
 * (Ed25519 signing, X25519 key wrapping; public and private keys as hex) plus
 * its public entry for members.json. With --out the file is a department key
 * file that the services accept as ACCORD_KEYS_FILE.
 */
export const keygenCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('keygen')
      .description('generate a department key set (Ed25519 + X25519) as JSON')
      .requiredOption('--id <member-id>', 'member id of the department, e.g. dept-health')
      .option('--out <file>', 'write to this file (mode 0600, never overwritten) instead of stdout')
      .action((options: KeygenOptions) => {
        if (!memberIdSchema.safeParse(options.id).success) {
          throw new CliInputError(`member id ${JSON.stringify(options.id)} must match [a-z0-9][a-z0-9._-]{0,63}`);
        }
        // The key file format the services load as ACCORD_KEYS_FILE (docs/services.md).
        const text = JSON.stringify(encodeMemberKeyFile(options.id, generateMemberKeys()), null, 2);
        if (options.out === undefined) {
          context.io.out(text);
          return;
        }
        try {
          writeFileSync(options.out, `${text}\n`, { mode: 0o600, flag: 'wx' });
        } catch (error) {
          throw new CliInputError(`cannot write ${options.out}: ${(error as Error).message}`);
        }
        context.io.out(`wrote keys of ${options.id} to ${options.out}`);
      });
  },
};
