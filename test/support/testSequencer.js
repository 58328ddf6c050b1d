/**
 * Runs the slowest test files first, so that with two workers the run does not
 * end with one worker idle while the other plays a long file it started late.
 *
 * Jest orders by the durations of the last run on this machine (its cache);
 * a fresh clone has none, and jest then orders by file size, which puts the
 * model test (a short file that plays hundreds of histories) near the end.
 * Here a file's last measured duration wins; without one, the typical
 * seconds listed below (measured on the 2-core dev machine) stand in, and
 * every other file counts as quick and keeps jest's order by size.
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Rough seconds of the heavy files beside another jest worker on the 2-core machine (only the order
 * matters: the model's halves and workerCrashes measured, the others judged by what they do). Update
 * when a file changes much.
 */
const TYPICAL_SECONDS = {
  'test/model/recoveryModel.test.ts': 400,
  'test/model/recoveryModelOtherHalf.test.ts': 400,
  'test/e2e/workerCrashes.test.ts': 150,
  'test/fault/webKilledDuringIntake.test.ts': 120,
  'test/fault/stripeAndPostmarkFaults.test.ts': 60,
  'test/api/testLiveMatrix.test.ts': 60,
  'test/browser/demo.test.ts': 45,
  'test/browser/cardUpdatePage.test.ts': 30,
  'test/e2e/webhookWorkerCrashes.test.ts': 30,
  'test/e2e/outboxCrash.test.ts': 20,
};

const ROOT = path.resolve(__dirname, '../..');

class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    const size = new Map();
    const sizeOf = (test) => {
      if (!size.has(test.path)) size.set(test.path, test.context.hasteFS.getSize(test.path) ?? 0);
      return size.get(test.path);
    };
    const expectedMs = (test) => {
      const measured = this.time(test);
      if (measured != null) return measured;
      const typical = TYPICAL_SECONDS[path.relative(ROOT, test.path).split(path.sep).join('/')];
      return typical === undefined ? 0 : typical * 1000;
    };
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), ms: expectedMs(test) }));
    keyed.sort((a, b) => {
      if (a.failed !== b.failed) return a.failed ? -1 : 1;
      if (a.ms !== b.ms) return b.ms - a.ms;
      return sizeOf(b.test) - sizeOf(a.test);
    });
    return keyed.map(({ test }) => test);
  }
}

module.exports = SlowestFirstSequencer;
