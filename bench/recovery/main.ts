/**
 * `npm run bench:recovery [-- --customers 10000 --seed 15]`: one seeded
 * population of failed renewals under each retry policy, in a few seconds,
 * without database or network. Prints the tables and writes bench/reports/recovery.md.
 * The model and the source of each of its parameters: bench/recovery/behaviourModel.ts.
 */
import { parseArgs } from 'node:util';
import { writeReport } from '../report';
import { cacheDateTimeFormats } from './formatterCache';
import { recoveryReportLines } from './recoveryReport';
import { SIMULATION_DEFAULTS, simulateRecovery } from './simulateRecovery';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: String(SIMULATION_DEFAULTS.customers) },
    seed: { type: 'string', default: String(SIMULATION_DEFAULTS.seed) },
  },
});
const customers = Number(values.customers);
const seed = Number(values.seed);
if (!Number.isInteger(customers) || customers < 1 || !Number.isInteger(seed)) {
  process.stderr.write('bench:recovery: --customers takes a whole number of at least 1 and --seed a whole number\n');
  process.exit(2);
}
cacheDateTimeFormats();
const startedAt = performance.now();
const result = simulateRecovery({ customers, seed });
writeReport('recovery', [...recoveryReportLines(result), '', `Simulated in ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`]);
