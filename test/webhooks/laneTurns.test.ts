import { createBatchTurns, createLaneTurns } from '../../backend/src/webhooks';

/** A piece of work that ends when the test says so, noting when it started and ended. */
function heldWork(name: string, log: string[]) {
  let end!: () => void;
  let fail!: (error: Error) => void;
  const ended = new Promise<string>((resolve, reject) => {
    end = () => resolve(name);
    fail = reject;
  });
  return {
    work: async () => {
      log.push(`${name} started`);
      try {
        return await ended;
      } finally {
        log.push(`${name} ended`);
      }
    },
    end: () => end(),
    fail: (error: Error) => fail(error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const TEST_MODE = 'acct_1|test';

describe('lane turns across batches handled at the same time', () => {
  it("starts a customer's lane from a later batch only once their lane from an earlier batch has ended", async () => {
    const turns = createLaneTurns();
    const log: string[] = [];
    const earlier = heldWork('cus_a batch 1', log);
    const later = heldWork('cus_a batch 2', log);

    const first = turns.run({ scope: TEST_MODE, subject: 'customer:cus_a' }, earlier.work);
    const second = turns.run({ scope: TEST_MODE, subject: 'customer:cus_a' }, later.work);
    await settle();
    expect(log).toEqual(['cus_a batch 1 started']);

    earlier.end();
    await first;
    await settle();
    later.end();
    expect(await second).toBe('cus_a batch 2');
    expect(log).toEqual(['cus_a batch 1 started', 'cus_a batch 1 ended', 'cus_a batch 2 started', 'cus_a batch 2 ended']);
    await settle();
    expect(turns.inFlight).toBe(0);
  });

  it('runs lanes of different customers, or of the same customer in the other mode, at the same time', async () => {
    const turns = createLaneTurns();
    const log: string[] = [];
    const customerA = heldWork('cus_a', log);
    const customerB = heldWork('cus_b', log);
    const customerALive = heldWork('cus_a live', log);

    const running = [
      turns.run({ scope: TEST_MODE, subject: 'customer:cus_a' }, customerA.work),
      turns.run({ scope: TEST_MODE, subject: 'customer:cus_b' }, customerB.work),
      turns.run({ scope: 'acct_1|live', subject: 'customer:cus_a' }, customerALive.work),
    ];
    await settle();
    expect(log).toEqual(['cus_a started', 'cus_b started', 'cus_a live started']);

    [customerA, customerB, customerALive].forEach((held) => held.end());
    await Promise.all(running);
  });

  it("makes an install's lane wait for every lane of its account and mode, and the account's later lanes wait for it", async () => {
    const turns = createLaneTurns();
    const log: string[] = [];
    const decline = heldWork('cus_a decline', log);
    const install = heldWork('install', log);
    const laterDecline = heldWork('cus_b decline', log);
    const otherAccount = heldWork('other account', log);

    const running = [
      turns.run({ scope: TEST_MODE, subject: 'customer:cus_a' }, decline.work),
      turns.run({ scope: TEST_MODE, subject: null }, install.work),
      turns.run({ scope: TEST_MODE, subject: 'customer:cus_b' }, laterDecline.work),
      turns.run({ scope: 'acct_2|test', subject: 'customer:cus_b' }, otherAccount.work),
    ];
    await settle();
    expect(log).toEqual(['cus_a decline started', 'other account started']);

    decline.end();
    await settle();
    expect(log.slice(-1)).toEqual(['install started']);
    install.end();
    await settle();
    expect(log.slice(-1)).toEqual(['cus_b decline started']);
    laterDecline.end();
    otherAccount.end();
    await Promise.all(running);
  });

  it('starts the next lane of a customer after the earlier one failed, and leaves the failure to the earlier one alone', async () => {
    const turns = createLaneTurns();
    const log: string[] = [];
    const failing = heldWork('cus_a batch 1', log);
    const next = heldWork('cus_a batch 2', log);

    const first = turns.run({ scope: TEST_MODE, subject: 'customer:cus_a' }, failing.work);
    const second = turns.run({ scope: TEST_MODE, subject: 'customer:cus_a' }, next.work);
    failing.fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await settle();
    next.end();

    expect(await second).toBe('cus_a batch 2');
    expect(log).toEqual(['cus_a batch 1 started', 'cus_a batch 1 ended', 'cus_a batch 2 started', 'cus_a batch 2 ended']);
  });
});

describe('batch turns', () => {
  it('runs batches side by side, and a batch with an install or uninstall alone: after those before it, before those after it', async () => {
    const turns = createBatchTurns();
    const log: string[] = [];
    const first = heldWork('batch 1', log);
    const second = heldWork('batch 2', log);
    const uninstall = heldWork('batch 3 (uninstall)', log);
    const fourth = heldWork('batch 4', log);

    const running = [turns.run(false, first.work), turns.run(false, second.work), turns.run(true, uninstall.work), turns.run(false, fourth.work)];
    await settle();
    expect(log).toEqual(['batch 1 started', 'batch 2 started']);

    first.end();
    await settle();
    expect(log).not.toContain('batch 3 (uninstall) started');
    second.end();
    await settle();
    expect(log.slice(-1)).toEqual(['batch 3 (uninstall) started']);
    uninstall.end();
    await settle();
    expect(log.slice(-1)).toEqual(['batch 4 started']);
    fourth.end();
    expect(await Promise.all(running)).toEqual(['batch 1', 'batch 2', 'batch 3 (uninstall)', 'batch 4']);
  });

  it('goes on after a batch handled alone failed', async () => {
    const turns = createBatchTurns();
    const log: string[] = [];
    const install = heldWork('install', log);
    const next = heldWork('next', log);

    const alone = turns.run(true, install.work);
    const after = turns.run(false, next.work);
    install.fail(new Error('database down'));
    await expect(alone).rejects.toThrow('database down');
    await settle();
    next.end();

    expect(await after).toBe('next');
  });
});
