import { Command } from 'commander';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { CliCommand, CliContext } from '../../cli.context';
import { collect } from '../../cli-files';
import { printJson, printTable } from '../../output/printer';
import { examples } from '../command-help';

interface TokenView {
  readonly name: string;
  readonly roles: readonly string[];
  readonly createdAt?: string | null;
  readonly createdBy?: string | null;
}

const ROLES = ['provider', 'user', 'sysadmin', 'dataadmin', 'operations'] as const;

/**
 * `accord token list|create|revoke`: the department's API tokens through
 * its ledger's admin API (role sysadmin). Every service of the department
 * reads the same token store, so a revoked token stops working everywhere.
 */
export const tokenCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    const group = program
      .command('token')
      .description("the department's API tokens (role sysadmin): list, create, revoke")
      .addHelpText(
        'after',
        `
Examples:
  accord token list
  accord token create analyst --role user --role provider
  accord token revoke analyst`,
      );

    addConnectionOptions(group.command('list'))
      .description('tokens by name with their roles (never the secrets)')
      .addHelpText('after', examples('accord token list --dept health'))
      .action(async (options: ApiCommandOptions) => {
        const api = connect(options, context);
        const answer = await api.request<{ tokens: TokenView[] }>('ledger', 'GET', '/v1/admin/tokens');
        if (options.json === true) return printJson(context.io, answer);
        printTable(
          context.io,
          answer.tokens,
          [
            { header: 'name', value: (t) => t.name },
            { header: 'roles', value: (t) => t.roles },
            { header: 'created', value: (t) => t.createdAt },
            { header: 'by', value: (t) => t.createdBy },
          ],
          'no tokens',
        );
      });

    addConnectionOptions(group.command('create'))
      .description('create a token; its secret is printed once')
      .addHelpText(
        'after',
        examples(
          'accord token create analyst --role user --role provider',
          'accord token create auditor --role operations --json > auditor.json',
        ),
      )
      .argument('<name>', 'token name')
      .requiredOption('--role <role>', `a role (${ROLES.join(', ')}); repeatable`, collect)
      .action(async (name: string, options: ApiCommandOptions & { role: readonly string[] }) => {
        const api = connect(options, context);
        const created = await api.request<TokenView & { token: string }>('ledger', 'POST', '/v1/admin/tokens', {
          body: { name, roles: options.role },
        });
        context.io.err(
          'warning: the secret is shown only now and is not stored in clear: keep it safe (e.g. a token file of mode 0600)',
        );
        if (options.json === true) return printJson(context.io, created);
        context.io.out(`created token ${created.name} with roles ${created.roles.join(', ')}`);
        context.io.out(created.token);
      });

    addConnectionOptions(group.command('revoke'))
      .description('revoke a token: every service of the department stops accepting it within about a second')
      .addHelpText('after', examples('accord token revoke analyst'))
      .argument('<name>', 'token name')
      .action(async (name: string, options: ApiCommandOptions) => {
        const api = connect(options, context);
        const answer = await api.request<{ name: string; revoked: boolean }>(
          'ledger',
          'DELETE',
          `/v1/admin/tokens/${encodeURIComponent(name)}`,
        );
        if (options.json === true) return printJson(context.io, answer);
        context.io.out(`revoked token ${answer.name}`);
      });
  },
};
