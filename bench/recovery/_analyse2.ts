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
for (const found of pop) {
  if (found.bucket !== 'ambiguous' && found.bucket !== 'soft') continue;
  const o = ours.run(found, seed);
  const d = DAILY_14_RETRYABLE.run(found, seed);
  const oR = o.recoveredAt !== null, dR = d.recoveredAt !== null;
  if (oR === dR) continue;
  const win = oR ? o : d;
  const tries = win.attempts.filter((a) => a.card === 'renewal_card').length;
  add(`${found.bucket} ${oR ? 'oursOnly' : 'dailyOnly'} by=${win.recoveredBy} winTries=${tries} oursTries=${o.retries} IN=${found.place.country === 'IN'}`);
}
console.log(Object.entries(tally).sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
