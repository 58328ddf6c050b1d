import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SETTING_NAMES, settingDefaults } from '../../backend/src/config';
import { DEMO_DEFAULTS } from '../../scripts/demo';

/** The docs are read by newcomers first: they must stay short at the door, linked, and true to the code. */
const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docFiles = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

describe('the documentation', () => {
  it('keeps the README at 10 KB or less', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(10 * 1024);
  });

  it('links from the README to every page in docs/', () => {
    const unlinked = docFiles.filter((file) => file.startsWith('docs/') && !readme.includes(`](${file})`));
    expect(unlinked).toEqual([]);
  });

  it('has no relative link to a file that does not exist', () => {
    const broken: string[] = [];
    for (const file of docFiles) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        if (!existsSync(resolve(dirname(join(root, file)), target!))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('documents every environment variable the backend reads in docs/settings.md', () => {
    const settings = readFileSync(join(root, 'docs/settings.md'), 'utf8');
    expect(SETTING_NAMES.filter((name) => !settings.includes(`\`${name}\``))).toEqual([]);
  });

  it('states the default of every setting that has one as the code applies it', () => {
    const settings = readFileSync(join(root, 'docs/settings.md'), 'utf8');
    const stated = new Map([...settings.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].map(([, name, cell]) => [name!, cell!.trim()]));
    const expected: Record<string, unknown> = { ...settingDefaults(), DEMO_CUSTOMERS: DEMO_DEFAULTS.customers };
    const disagreeing = Object.entries(expected)
      .filter(([, value]) => value !== undefined)
      .filter(([name, value]) => !stated.get(name)?.startsWith(`\`${String(value)}\``))
      .map(([name, value]) => `${name}: the code says ${String(value)}, the docs say ${stated.get(name) ?? 'nothing'}`);
    expect(stated.size).toBeGreaterThan(30);
    expect(disagreeing).toEqual([]);
  });

  it("states the demo's customer count as the demo's own default, and no other count", () => {
    const counts = [...docFiles.map((file) => readFileSync(join(root, file), 'utf8')).join('\n').matchAll(/(\d[\d,]*)\s+(?:subscription )?customers/g)]
      .filter((match) => /demo/i.test(match.input!.slice(Math.max(0, match.index! - 200), match.index! + 80)))
      .map((match) => Number(match[1]!.replaceAll(',', '')));
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts)).toEqual(new Set([DEMO_DEFAULTS.customers]));
  });
});
