/// <reference lib="dom" />
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * `npm run demo` as a newcomer meets it: the process runs three weeks of
 * recovery for a few customers, prints its summary, then a browser opens the
 * page of caught emails and the printed card-update link.
 */
const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.resolve(ROOT, 'test-artifacts/screenshots');
let demo: ChildProcessWithoutNullStreams;
let output = '';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--customers', '12', '--days', '21'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', SANDBOX_PORT: '0', POSTMARK_RECEIVER_PORT: '0' },
  });
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not finish in time:\n${output}`)), 240_000);
    const check = setInterval(() => {
      if (/Serving .*until Ctrl-C/.test(output)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 200);
    demo.once('exit', (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGINT');
    await exited;
  }
});

const printed = (pattern: RegExp) => {
  const match = pattern.exec(output);
  if (!match) throw new Error(`not in the demo's output: ${pattern}\n${output}`);
  return match[1]!;
};

describe('npm run demo', () => {
  it('ends with a summary of what was failed, recovered and how, emails sent and retries stopped by network rules', () => {
    expect(output).toMatch(/day 21\/21 \[#{30}\]/);
    // The 12 failing renewals, plus the renewals on an expiring card that pre-dunning did not prevent.
    const [prevented, reminded] = printed(/Failures prevented by pre-dunning: (\d+ of \d+) expiring cards updated before renewal \(amount \$[\d,.]+\)/).split(' of ').map(Number);
    expect(Number(printed(/\| Failed renewals\s+\|\s+(\d+) \|/))).toBe(12 + reminded! - prevented!);
    const recovered = Number(printed(/\| Recovered\s+\|\s+(\d+) \|/));
    const byWay = ['by our smart retries', 'by a card update', 'by the customer paying', "by Stripe's own retry"].map((label) => Number(printed(new RegExp(`\\|\\s+${label}\\s+\\|\\s+(\\d+) \\|`))));
    expect(byWay.reduce((sum, count) => sum + count, 0)).toBe(recovered);
    expect(Number(printed(/\| Emails sent\s+\|\s+(\d+) \|/))).toBeGreaterThan(12);
    expect(output).toMatch(/\| Cases where card-network rules stopped a retry\s+\|\s+\d+ \|/);
    expect(printed(/API key of the demo merchant: (rk_recovery_\S+)/)).toMatch(/^rk_recovery_/);
  });

  it("shows pre-dunning's effect and the at-risk list as the API gave it before the renewals came due", () => {
    // Six subscribers renew during a 12-customer demo, three of them on a card that expires first: each is reminded.
    expect(printed(/(\d+) more subscribers renew during those days, 3 of them on a card that expires first/)).toBe('6');
    expect(printed(/Failures prevented by pre-dunning: \d+ of (\d+) expiring/)).toBe('3');
    expect(output).toMatch(/Renewals at risk on day \d+, before the first of them came due \(GET \/api\/dashboard\/at-risk\): \d+ at or above the alert threshold of 70/);
    const rows = [...output.matchAll(/^\| (Customer \d+) \|\s+(\d+) \| (low|medium|high)\s*\| (.+) \| (none|planned|sent \(\d\)|stopped \(\w+\)) \|$/gm)];
    expect(rows).toHaveLength(5);
    const scores = rows.map((row) => Number(row[2]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // A card still expiring before its renewal ranks above the rest, and its customer was reminded; those who never
    // replaced it were all still expiring then, so they are all listed.
    const expiring = rows.map((row) => /^The card ending \d{4} expires \d{2}\/\d{4}, before the renewal on/.test(row[4]!));
    expect(expiring).toEqual([...expiring].sort((a, b) => Number(b) - Number(a)));
    for (const row of rows.filter((_, index) => expiring[index])) expect(row[5]).toMatch(/^sent \(\d\)$/);
    const [prevented, reminded] = printed(/Failures prevented by pre-dunning: (\d+ of \d+)/).split(' of ').map(Number);
    expect(expiring.filter(Boolean).length).toBeGreaterThanOrEqual(reminded! - prevented!);
  });

  it('ends with the simulator comparing the retry policies on the same population', () => {
    expect(output).toMatch(/## Recovery simulator \(12 failed renewals/);
    for (const policy of ['No retries', 'Fixed 3/5/7 days', 'Daily for 14 days', 'Daily 14 d, retryable, networks respected', 'Ours']) expect(output).toMatch(new RegExp(`\\| ${policy}[^|]*\\|\\s+\\d+\\.\\d %`));
    expect(output).toMatch(/\| strongest simple .*\| +[-+]\d+\.\d \|/);
  });

  it("lists the emails the customers got, and shows one as the customer saw it", async () => {
    const page = await browser.newPage();
    await page.goto(printed(/rendered as they see them\): (http:\/\/127\.0\.0\.1:\d+\/)/));
    const heading = await page.locator('h1').innerText();
    expect(Number(/Caught emails \((\d+)\)/.exec(heading)![1])).toBeGreaterThan(12);
    const tags = await page.locator('tbody tr td:nth-child(4)').allInnerTexts();
    expect(tags).toEqual(expect.arrayContaining(['dunning-step-1', 'dunning-step-2', 'dunning-step-3', 'dunning-step-4']));
    expect(tags.filter((tag) => /^pre-dunning-step-\d$/.test(tag)).length).toBeGreaterThanOrEqual(3);
    await page.locator('tbody tr', { hasText: /(?<!pre-)dunning-step-1/ }).first().locator('a').click();
    await page.waitForURL(/\/emails\//);
    expect(await page.content()).toContain('/update?token=');
    await page.screenshot({ path: path.join(SHOTS, 'demo-email.png'), fullPage: true });
    await page.close();
  });

  it('opens the printed card-update link on the merchant-branded page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const response = await page.goto(printed(/to open in a browser:\n\s+(http:\/\/127\.0\.0\.1:\d+\/update\?token=\S+)/));
    expect(response!.status()).toBe(200);
    expect(await page.locator('body').innerText()).toContain('Northwind');
    await expect(page.locator('form button').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'demo-card-update.png'), fullPage: true });
    await page.close();
  });
});
