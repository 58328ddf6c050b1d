/**
 * Mints, lists and revokes merchant API keys for a self-hosted operator who
 * has no Stripe App to ask (the first key otherwise needs a signed App request).
 *
 *   npm run api-key -- create --account acct_… --mode test|live --access read|read_write [--name …]
 *   npm run api-key -- list --account acct_… [--mode test|live]
 *   npm run api-key -- revoke --account acct_… --id <key id> [--mode test|live]
 *
 * The key is printed once, at creation; only its hash is stored. Reads the
 * backend's settings (MONGODB_URI and the rest) like the backend does.
 */
import { parseArgs } from 'node:util';
// The store alone, not the api folder's index: the command starts in a fraction of the time without Koa and Stripe.
import { createApiKeyStore, type ApiKey } from '../backend/src/api/apiKeyStore';
import { connectOperatorDatabase } from './operatorDatabase';

const USAGE = [
  'usage: npm run api-key -- create --account <acct_…> --mode test|live --access read|read_write [--name <name>]',
  '       npm run api-key -- list --account <acct_…> [--mode test|live]',
  '       npm run api-key -- revoke --account <acct_…> --id <key id> [--mode test|live]',
].join('\n');

type Command = { kind: 'create'; accountId: string; livemode: boolean; scope: 'read' | 'read_write'; name: string } | { kind: 'list'; accountId: string; modes: boolean[] } | { kind: 'revoke'; accountId: string; id: string; modes: boolean[] };

function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: Record<'account' | 'mode' | 'access' | 'name' | 'id', { type: 'string' }>; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { account: { type: 'string' }, mode: { type: 'string' }, access: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' } } });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (!command) fail('name a command: create, list or revoke');
  if (!['create', 'list', 'revoke'].includes(command)) fail(`unknown command: ${command}`);
  if (extra.length > 0) fail(`unexpected arguments: ${extra.join(' ')}`);
  const accountId = values.account;
  if (!accountId || !/^acct_[A-Za-z0-9_]+$/.test(accountId)) fail('--account needs a Stripe account id such as acct_1A2b3C');
  if (values.mode !== undefined && values.mode !== 'test' && values.mode !== 'live') fail('--mode is test or live');
  const modes = values.mode ? [values.mode === 'live'] : [false, true];
  switch (command) {
    case 'create': {
      if (!values.mode) fail('create needs --mode test or --mode live');
      if (values.access !== 'read' && values.access !== 'read_write') fail('create needs --access read or --access read_write');
      const name = (values.name ?? 'command line').trim();
      if (name.length === 0 || name.length > 100) fail('--name is 1 to 100 characters');
      return { kind: 'create', accountId, livemode: values.mode === 'live', scope: values.access, name };
    }
    case 'list':
      return { kind: 'list', accountId, modes };
    case 'revoke':
      if (!values.id || !/^[a-f0-9]{24}$/i.test(values.id)) fail('revoke needs --id with the key id that list shows (24 hex characters)');
      return { kind: 'revoke', accountId, id: values.id, modes };
    default:
      fail(`unknown command: ${command}`);
  }
}

const modeOf = (livemode: boolean) => (livemode ? 'live' : 'test');
const describe = (key: ApiKey) =>
  `${key.id}  ${modeOf(key.livemode)}  ${key.scope.padEnd(10)}  ${key.prefix}…  ${key.name}  created ${key.createdAt.toISOString()}` +
  `  ${key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : `last used ${key.lastUsedAt?.toISOString() ?? 'never'}`}`;

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2));
  const connection = await connectOperatorDatabase(fail);
  try {
    const keys = createApiKeyStore(connection);
    const now = new Date();
    if (command.kind === 'create') {
      const { key, apiKey } = await keys.create({ accountId: command.accountId, livemode: command.livemode, name: command.name, scope: command.scope, now });
      process.stdout.write(`${describe(apiKey)}\n\n${key}\n\nStore this key now: it is not shown again.\n`);
    } else if (command.kind === 'list') {
      const found = (await Promise.all(command.modes.map((livemode) => keys.list(command.accountId, livemode)))).flat();
      for (const key of found) process.stdout.write(`${describe(key)}\n`);
      process.stdout.write(`${found.length} key${found.length === 1 ? '' : 's'} for ${command.accountId}\n`);
    } else {
      let revoked = false;
      for (const livemode of command.modes) revoked = revoked || (await keys.revoke(command.accountId, livemode, command.id, now));
      if (!revoked) fail(`no active key ${command.id} for ${command.accountId}`, 1);
      process.stdout.write(`revoked ${command.id}\n`);
    }
  } finally {
    await connection.close();
  }
}

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n${code === 2 ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

main().catch((error: unknown) => {
  process.stderr.write(`api-key failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
