import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApiKeyStore } from '../../backend/src/api';
import { TEST_SECRETS } from '../support/testSecrets';
import { useTestDatabase } from '../support/testDatabase';

/** `npm run api-key`, run as an operator runs it, against this file's test database. */
const db = useTestDatabase();
const ROOT = path.resolve(__dirname, '../..');
const ACCOUNT = 'acct_cli_operator';

async function apiKeyCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const uri = new URL(db.uri);
  uri.pathname = `/${db.dbName}`;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/apiKeys.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...TEST_SECRETS, MONGODB_URI: uri.toString() },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run api-key', () => {
  it('creates a key printed once that authenticates in its mode, lists it without the key, and revokes it', async () => {
    const created = await apiKeyCli('create', '--account', ACCOUNT, '--mode', 'live', '--access', 'read_write', '--name', 'billing system');
    expect(created.code).toBe(0);
    const key = /^(rk_recovery_\S+)$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const store = createApiKeyStore(db.connection);
    expect(await store.authenticate(key!, new Date())).toMatchObject({ accountId: ACCOUNT, livemode: true, scope: 'read_write', name: 'billing system' });

    const listed = await apiKeyCli('list', '--account', ACCOUNT);
    expect(listed.stdout).toContain('billing system');
    expect(listed.stdout).not.toContain(key!);
    const id = /^([a-f0-9]{24}) {2}live/m.exec(listed.stdout)![1]!;

    expect((await apiKeyCli('revoke', '--account', 'acct_someone_else', '--id', id)).code).toBe(1);
    expect((await apiKeyCli('revoke', '--account', ACCOUNT, '--id', id)).stdout).toContain(`revoked ${id}`);
    expect(await store.authenticate(key!, new Date())).toBeNull();
  }, 120_000);

  it.each([
    ['no command', [], /name a command/],
    ['an unknown command', ['mint', '--account', ACCOUNT], /unknown command: mint/],
    ['a malformed account', ['create', '--account', 'bob', '--mode', 'test', '--access', 'read'], /--account/],
    ['an unknown access', ['create', '--account', ACCOUNT, '--mode', 'test', '--access', 'admin'], /--access/],
    ['a malformed id', ['revoke', '--account', ACCOUNT, '--id', 'abc'], /--id/],
  ])('exits 2 with the usage for %s, and creates nothing', async (_name, args, message) => {
    // Refused before the database is reached: nothing to clean up.
    const run = await apiKeyCli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run api-key');
    expect(await db.connection.collection('apiKeys').countDocuments({ name: { $ne: 'billing system' } })).toBe(0);
  }, 60_000);
});
