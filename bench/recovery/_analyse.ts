import { generatePopulation } from './population';
import { ourPolicy } from './ourPolicy';
import { DAILY_14_RETRYABLE } from './simplePolicies';
import { cacheDateTimeFormats } from './formatterCache';
cacheDateTimeFormats();
const seed = 15;
const pop = generatePopulation({ customers: 10000, seed, start: new Date('2026-03-02T00:00:00Z') });
const ours = ourPolicy();
const tally: Record<string, number> = {};
const add = (k: string) => (tally[k] = (tally[k] ?? 0) + 1);
let oursRetries: Record<string, number> = {}; let dailyRetries: Record<string, number> = {};
for (const found of pop) {
  const o = ours.run(found, seed);
  const d = DAILY_14_RETRYABLE.run(found, seed);
  oursRetries[found.bucket] = (oursRetries[found.bucket] ?? 0) + o.retries;
  dailyRetries[found.bucket] = (dailyRetries[found.bucket] ?? 0) + d.retries;
  const oR = o.recoveredAt !== null, dR = d.recoveredAt !== null;
  if (oR === dR) continue;
  const key = `${found.bucket} ${oR ? 'oursOnly' : 'dailyOnly'}`;
  add(key);
  if (found.bucket === 'insufficient_funds' && !oR) {
    const spellHit = d.attempts.some((a) => a.approved && found.fundedSpells.some((s) => a.at.getTime() >= s.from && a.at.getTime() < s.until));
    const last = o.decisions.at(-1)!;
    add(`  IF dailyOnly ${found.place.country === 'US' ? 'US' : 'other'} ${found.payCycle.frequency} ${spellHit ? 'spell' : 'luck'} ourRetries=${o.retries} end=${last.kind}`);
  }
  if (found.bucket === 'insufficient_funds' && oR) add(`  IF oursOnly ${o.recoveredBy}`);
  if (found.bucket === 'ambiguous' && !oR) add(`  AMB dailyOnly ourRetries=${o.retries} dailyRetries=${d.retries} cu=${o.recoveredBy}`);
}
console.log(Object.entries(tally).sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
console.log(oursRetries, dailyRetries);
