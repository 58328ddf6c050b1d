import { repeatInLanes } from '../../backend/src/lanes';

/** A job's run takes work in lanes side by side: as many at once as it has lanes, and no more steps than its batch. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

it('runs up to `lanes` steps at once and stops at the batch limit', async () => {
  let running = 0;
  let most = 0;
  const step = async () => {
    running += 1;
    most = Math.max(most, running);
    await tick();
    running -= 1;
    return true;
  };
  expect(await repeatInLanes(step, 10, 3)).toBe(10);
  expect(most).toBe(3);
});

it('ends a lane when its step finds nothing, and counts only steps that did something', async () => {
  let left = 5;
  const step = async () => {
    await tick();
    if (left === 0) return false;
    left -= 1;
    return true;
  };
  expect(await repeatInLanes(step, 50, 4)).toBe(5);
});

it('runs one step at a time with one lane', async () => {
  const order: string[] = [];
  let n = 0;
  const step = async () => {
    const mine = (n += 1);
    order.push(`start ${mine}`);
    await tick();
    order.push(`end ${mine}`);
    return mine < 2;
  };
  expect(await repeatInLanes(step, 5, 1)).toBe(1);
  expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
});

it('lets every other lane finish its step before it passes on a lane’s error', async () => {
  const finished: number[] = [];
  let n = 0;
  const step = async () => {
    const mine = (n += 1);
    if (mine === 1) throw new Error('Stripe timed out');
    await tick();
    await tick();
    finished.push(mine);
    return false;
  };
  await expect(repeatInLanes(step, 10, 3)).rejects.toThrow('Stripe timed out');
  // The other two lanes had each started a step; both ended before the run did.
  expect(finished.sort()).toEqual([2, 3]);
});
