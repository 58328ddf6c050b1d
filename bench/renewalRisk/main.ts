/**
 * `npm run bench:risk [-- --customers 20000 --seed 21 --train-seed 20]`: how
 * well renewal risk ranks renewals on a generated population with known
 * outcomes (bench/renewalRisk/population.ts). The rules are scored as they
 * are; the account model is fitted on one seeded population (as an account's
 * own history) and evaluated on another. No database or network. Prints the
 * table and writes bench/reports/risk.md.
 */
import { parseArgs } from 'node:util';
import { fitAccountModel, MAX_OUTCOMES_FOR_FIT, scoreByAccountModel } from '../../backend/src/renewalRisk/accountModel';
import { deriveRiskFeatures } from '../../backend/src/renewalRisk/riskFeatures';
import { scoreByRules } from '../../backend/src/renewalRisk/riskRules';
import { writeReport } from '../report';
import { generateRenewals } from './population';
import { areaUnderCurve, failureRate, topShareFailureRate } from './ranking';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '21' },
    'train-seed': { type: 'string', default: '20' },
    quick: { type: 'boolean', default: false },
  },
});
const customers = values.quick ? 5000 : Number(values.customers);
const seed = Number(values.seed);
const trainSeed = Number(values['train-seed']);
if (!Number.isInteger(customers) || customers < 100 || !Number.isInteger(seed) || !Number.isInteger(trainSeed) || seed === trainSeed) {
  process.stderr.write('bench:risk: --customers takes a whole number of at least 100; --seed and --train-seed two different whole numbers\n');
  process.exit(2);
}

const start = new Date('2027-03-01T00:00:00Z');
const startedAt = performance.now();
const featuresOf = (population: ReturnType<typeof generateRenewals>) => population.map((entry) => ({ ...entry, features: deriveRiskFeatures(entry.renewal, entry.history, start) }));

const training = featuresOf(generateRenewals({ customers: MAX_OUTCOMES_FOR_FIT, seed: trainSeed, start }));
const model = fitAccountModel(training.map((entry) => ({ features: entry.features, failed: entry.failed })));
if (!model) throw new Error('the training population has only one kind of outcome');
const fittedAt = performance.now();

const evaluation = featuresOf(generateRenewals({ customers, seed, start }));
const failed = evaluation.map((entry) => entry.failed);
const rules = evaluation.map((entry) => scoreByRules(entry.features, entry.renewal, start).score);
// Whole-number scores tie often; the model's probability before rounding ranks finer, as the at-risk list would with ties broken.
const modelScores = evaluation.map((entry) => scoreByAccountModel(model, entry.features, entry.renewal, start).score);
const base = failureRate(failed);

const row = (name: string, scores: number[]) => {
  const auc = areaUnderCurve(scores, failed)!;
  const top = topShareFailureRate(scores, failed, 0.1);
  return { name, auc, top, ratio: top / base };
};
const results = [row('rules', rules), row(`account model (fitted on seed ${trainSeed}, ${model.sampleSize} renewals)`, modelScores)];
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
const meets = (result: { auc: number; ratio: number }) => (result.auc >= 0.75 && result.ratio >= 3 ? 'yes' : 'NO');

writeReport('risk', [
  '## Renewal risk: ranking on a generated population',
  '',
  `${customers} renewals (seed ${seed}); outcomes drawn from a hidden model that is not the scorer's formula (bench/renewalRisk/riskModel.ts).`,
  `Base failure rate: ${pct(base)}. Targets: AUC ≥ 0.75 and the top decile ≥ 3 × the base rate.`,
  '',
  '| scorer | AUC | failure rate, top decile | × base rate | meets targets |',
  '|---|---:|---:|---:|---|',
  ...results.map((result) => `| ${result.name} | ${result.auc.toFixed(3)} | ${pct(result.top)} | ${result.ratio.toFixed(2)} | ${meets(result)} |`),
  '',
  `Coefficients of the account model (per standard deviation of each column): ${model.columns.map((name, j) => `${name} ${model.coefficients[j]!.toFixed(2)}`).join(', ')}.`,
  '',
  `Fit in ${((fittedAt - startedAt) / 1000).toFixed(1)} s; everything in ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`,
]);
