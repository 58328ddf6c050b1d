import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkEndpointUrl, createWebhookSender, isAllowedAddress } from '../../backend/src/outbound';

describe('which addresses a webhook may reach', () => {
  it.each([
    ['8.8.8.8', true, 'public IPv4'],
    ['2606:4700:4700::1111', true, 'public IPv6'],
    ['10.1.2.3', false, 'private 10/8'],
    ['172.16.0.1', false, 'private 172.16/12'],
    ['192.168.1.1', false, 'private 192.168/16'],
    ['127.0.0.1', false, 'loopback'],
    ['127.8.9.10', false, 'loopback 127/8'],
    ['169.254.169.254', false, 'cloud metadata (link-local)'],
    ['169.254.1.1', false, 'link-local'],
    ['100.64.0.1', false, 'CGNAT 100.64/10'],
    ['224.0.0.1', false, 'multicast'],
    ['255.255.255.255', false, 'broadcast'],
    ['0.0.0.0', false, 'unspecified'],
    ['198.18.0.1', false, 'benchmarking (reserved)'],
    ['::1', false, 'IPv6 loopback'],
    ['fe80::1', false, 'IPv6 link-local'],
    ['fd00::1', false, 'IPv6 unique-local'],
    ['fc00::1', false, 'IPv6 unique-local fc00::/7'],
    ['::ffff:127.0.0.1', false, 'IPv4-mapped loopback'],
    ['::ffff:8.8.8.8', false, 'IPv4-mapped, even public: refused'],
    ['64:ff9b::a00:1', false, 'NAT64-translated 10.0.0.1'],
    ['ff02::1', false, 'IPv6 multicast'],
    ['not-an-address', false, 'garbage'],
  ])('%s → %s (%s) in production', (address, allowed) => {
    expect(isAllowedAddress(address, false)).toBe(allowed);
  });

  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['169.254.169.254', false],
  ])('in development and tests only loopback is added: %s → %s', (address, allowed) => {
    expect(isAllowedAddress(address, true)).toBe(allowed);
  });
});

describe('which webhook URLs may be saved', () => {
  it.each([
    ['https://hooks.example.com/recovery', false, null],
    ['http://hooks.example.com/recovery', false, 'url: must use https://'],
    ['https://127.0.0.1/hook', false, 'url: 127.0.0.1 is not a public address'],
    ['https://[::1]/hook', false, 'url: [::1] is not a public address'],
    ['https://169.254.169.254/latest/meta-data', false, 'url: 169.254.169.254 is not a public address'],
    ['https://localhost/hook', false, 'url: localhost is not a public host name'],
    ['https://intranet/hook', false, 'url: intranet is not a public host name'],
    ['https://user:pass@hooks.example.com/', false, 'url: must not contain a user name or password'],
    ['ftp://hooks.example.com/', false, 'url: must use https://'],
    ['not a url', false, 'url: not a valid URL (e.g. https://hooks.example.com/recovery)'],
    ['https://2130706433/hook', false, 'url: 127.0.0.1 is not a public address'],
    ['https://0xa9.254.169.254/', false, 'url: 169.254.169.254 is not a public address'],
    ['http://127.0.0.1:4000/hook', true, null],
    ['http://localhost:4000/hook', true, null],
    ['http://10.0.0.1/hook', true, 'url: 10.0.0.1 is not a public address'],
  ])('%s (local allowed: %s) → %s', (url, allowLocal, problem) => {
    const check = checkEndpointUrl(url, allowLocal);
    expect(check.ok ? null : check.message).toBe(problem);
  });
});

describe('connect-time address check', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits += 1;
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a public-looking name that resolves to a private address when the request is made (DNS rebinding)', async () => {
    // The name passes the save-time check; only its resolution at connect time shows it points at this machine.
    expect(checkEndpointUrl(`https://hooks.rebind.example/recovery`, false).ok).toBe(true);
    const rebinding = (_host: string, _options: unknown, callback: (error: null, addresses: Array<{ address: string; family: number }>) => void) => callback(null, [{ address: '127.0.0.1', family: 4 }]);
    // allowLocal only for the scheme, so the plain-http loopback server can stand in; the resolver says 10.0.0.7.
    const privateResolver = (_host: string, _options: unknown, callback: (error: null, addresses: Array<{ address: string; family: number }>) => void) => callback(null, [{ address: '10.0.0.7', family: 4 }]);
    const strict = createWebhookSender({ allowLocal: false, resolve: rebinding });
    const refused = await strict.post(`https://hooks.rebind.example:${port}/recovery`, '{}', {});
    expect(refused).toMatchObject({ statusCode: null, error: expect.stringContaining('hooks.rebind.example resolves to 127.0.0.1, which is not a public address') });
    const local = createWebhookSender({ allowLocal: true, resolve: privateResolver });
    const alsoRefused = await local.post(`http://hooks.rebind.example:${port}/recovery`, '{}', {});
    expect(alsoRefused.error).toContain('resolves to 10.0.0.7, which is not a public address');
    expect(hits).toBe(0);
    strict.close();
    local.close();
  });

  it('resolves real names through the guard too: localhost reaches this machine only where loopback is allowed', async () => {
    const local = createWebhookSender({ allowLocal: true });
    expect(await local.post(`http://localhost:${port}/recovery`, '{}', {})).toMatchObject({ statusCode: 200, error: null });
    expect(hits).toBe(1);
    local.close();
  });
});
