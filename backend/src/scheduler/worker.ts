import type { Logger } from 'pino';
import type { RecurringJob } from './recurringJobs';

export interface Worker {
  start(): void;
  /** Ends a job's idle pause now, when the caller knows work has just arrived (a no-op while stopped). */
  wake(jobName: string): void;
  /** Stops scheduling new runs and waits for the running ones to finish. */
  stop(): Promise<void>;
}

/**
 * Runs each recurring job in its own loop. Timers only wake the loop: what is
 * due lives in the database, so a killed worker loses nothing.
 */
export function createWorker(jobs: RecurringJob[], logger: Logger): Worker {
  let running = false;
  const loops: Promise<void>[] = [];
  const wakers = new Map<() => void, string>();

  const sleep = (jobName: string, ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.set(wake, jobName);
    });

  async function loop(job: RecurringJob): Promise<void> {
    let failures = 0;
    while (running) {
      try {
        const taken = await job.run();
        failures = 0;
        if (taken === 0) await sleep(job.name, job.idleDelayMs);
      } catch (error) {
        failures += 1;
        logger.warn({ job: job.name, err: error instanceof Error ? error.message : String(error), failures }, 'recurring job failed');
        await sleep(job.name, Math.min(job.idleDelayMs * 2 ** failures, 30_000));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      for (const job of jobs) loops.push(loop(job));
      logger.info({ jobs: jobs.map((job) => job.name) }, 'worker started');
    },
    wake(jobName) {
      for (const [wake, name] of [...wakers]) if (name === jobName) wake();
    },
    async stop() {
      running = false;
      for (const wake of [...wakers.keys()]) wake();
      await Promise.allSettled(loops);
      loops.length = 0;
    },
  };
}
