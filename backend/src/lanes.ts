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
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  return taken;
}
