/**
 * Runs `step` in `lanes` loops side by side until `limit` steps were started;
 * a lane ends when its step finds nothing to do. Returns how many steps did something.
 */
export async function repeatInLanes(step: () => Promise<boolean>, limit: number, lanes: number): Promise<number> {
  let started = 0;
  let taken = 0;
  const lane = async () => {
    while (started < limit) {
      started += 1;
      if (!(await step())) return;
      taken += 1;
    }
  };
  await inLanes(lanes, lane);
  return taken;
}

/**
 * Runs `lanes` copies of `lane` side by side and waits for all of them, even when one throws (then throws
 * the first error): a stopping worker's run ends only when no lane of it is still at work.
 */
export async function inLanes(lanes: number, lane: () => Promise<void>): Promise<void> {
  const ended = await Promise.allSettled(Array.from({ length: Math.max(1, lanes) }, lane));
  const failed = ended.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
