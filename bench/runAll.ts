/**
 * `npm run bench`: every benchmark, one after the other (they would disturb
 * each other's figures), then one report gathering theirs:
 * bench/reports/report.md. Arguments after `--` go to every benchmark that
 * knows them; `--quick` runs smaller sizes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const benches: Array<{ name: string; script: string; args: string[] }> = [
  { name: 'intake', script: 'bench/webhookIntake.ts', args: quick ? ['--seconds', '5', '--rounds', '1'] : [] },
  { name: 'scheduler', script: 'bench/schedulerThroughput.ts', args: quick ? ['--cases', '50', '--rounds', '1'] : ['--cases', '200', '--rounds', '3'] },
  { name: 'webhooks', script: 'bench/webhookDeliveries.ts', args: quick ? ['--deliveries', '100', '--rounds', '1'] : ['--deliveries', '500', '--rounds', '3'] },
  { name: 'stats', script: 'bench/statsLatency.ts', args: quick ? ['--sizes', '1000,10000', '--requests', '50', '--scan-up-to', '10000'] : [] },
  { name: 'risk', script: 'bench/renewalRisk/main.ts', args: quick ? ['--quick'] : [] },
];

const sections: string[] = [];
for (const bench of benches) {
  process.stderr.write(`\n== ${bench.name} ==\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', bench.script, ...bench.args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const report = path.join(ROOT, 'bench/reports', `${bench.name}.md`);
  sections.push(run.status === 0 && existsSync(report) ? readFileSync(report, 'utf8') : `## ${bench.name}\n\nThe benchmark failed (exit ${run.status}); see its output.\n`);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`;
writeFileSync(path.join(ROOT, 'bench/reports/report.md'), [`# Benchmarks (${new Date().toISOString().slice(0, 10)}, ${machine})`, '', ...sections].join('\n'));
process.stdout.write(`\nReport: bench/reports/report.md\n`);
