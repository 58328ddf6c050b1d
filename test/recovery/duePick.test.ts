import { createDueQueue, createStepsInProgress, pickDueCase } from '../../backend/src/recovery/duePick';
import type { RecoveryCase } from '../../backend/src/recovery';

/** Lanes of one worker read the same due cases; each must take a different case, and never two of one customer. */
const dueCase = (id: string, stripeCustomerId: string | null, accountId = 'acct_a'): RecoveryCase =>
  ({ id, accountId, livemode: false, stripeCustomerId }) as RecoveryCase;

it('takes a due case at random and leaves it to no other lane until its step is done', () => {
  const inProgress = createStepsInProgress();
  const found = [dueCase('c1', 'cus_1'), dueCase('c2', 'cus_2')];
  const first = pickDueCase(found, inProgress, () => 0.99);
  expect(first?.id).toBe('c2');
  expect(pickDueCase(found, inProgress, () => 0.99)?.id).toBe('c1');
  expect(pickDueCase(found, inProgress, () => 0)).toBeNull();
  inProgress.done(first!);
  expect(pickDueCase(found, inProgress, () => 0)?.id).toBe('c2');
});

it('passes over a case of a customer another lane is working on: their cases usually share a card and its network limit', () => {
  const inProgress = createStepsInProgress();
  expect(pickDueCase([dueCase('c1', 'cus_1')], inProgress)?.id).toBe('c1');
  expect(pickDueCase([dueCase('c2', 'cus_1'), dueCase('c3', 'cus_3')], inProgress, () => 0)?.id).toBe('c3');
});

it('tells customers of different accounts apart, and cases without a customer by the case', () => {
  const inProgress = createStepsInProgress();
  expect(pickDueCase([dueCase('c1', 'cus_1', 'acct_a')], inProgress)?.id).toBe('c1');
  expect(pickDueCase([dueCase('c2', 'cus_1', 'acct_b')], inProgress)?.id).toBe('c2');
  expect(pickDueCase([dueCase('c3', null)], inProgress)?.id).toBe('c3');
  expect(pickDueCase([dueCase('c4', null)], inProgress)?.id).toBe('c4');
});

it('finds nothing to take in an empty read', () => {
  expect(pickDueCase([], createStepsInProgress())).toBeNull();
});

describe('the due queue of a worker with several lanes', () => {
  it('serves lanes from one read, asks again once it runs out, and shares that read between lanes that ask together', async () => {
    const reads: number[] = [];
    let next = 0;
    const readDue = async (limit: number) => {
      reads.push(limit);
      return Array.from({ length: Math.min(limit, 3) }, () => dueCase(`c${(next += 1)}`, `cus_${next}`));
    };
    const inProgress = createStepsInProgress();
    const queue = createDueQueue(readDue, inProgress, { batch: 3, maxAgeMs: 60_000, random: () => 0 });
    const firstThree = await Promise.all([queue.next(), queue.next(), queue.next()]);
    expect(firstThree.map((taken) => taken?.id).sort()).toEqual(['c1', 'c2', 'c3']);
    expect(reads).toEqual([3]);
    expect((await queue.next())?.id).toBe('c4');
    expect(reads).toEqual([3, 3]);
  });

  it('drops a read older than its age limit rather than hand out cases that may long be done', async () => {
    let clock = 0;
    let readCount = 0;
    const readDue = async () => {
      readCount += 1;
      return [dueCase(`read${readCount}_a`, `cus_${readCount}a`), dueCase(`read${readCount}_b`, `cus_${readCount}b`)];
    };
    const queue = createDueQueue(readDue, createStepsInProgress(), { batch: 2, maxAgeMs: 2_000, now: () => clock, random: () => 0 });
    expect((await queue.next())?.id).toBe('read1_a');
    clock = 5_000;
    expect((await queue.next())?.id).toBe('read2_a');
  });

  it('finds nothing when the read finds nothing', async () => {
    const queue = createDueQueue(async () => [], createStepsInProgress(), { batch: 5, maxAgeMs: 1_000 });
    expect(await queue.next()).toBeNull();
  });
});

it('hands a case out once per queue, even when a later read still shows it due', async () => {
  const inProgress = createStepsInProgress();
  const queue = createDueQueue(async () => [dueCase('c1', 'cus_1')], inProgress, { batch: 5, maxAgeMs: 60_000 });
  const first = await queue.next();
  expect(first?.id).toBe('c1');
  inProgress.done(first!);
  expect(await queue.next()).toBeNull();
});
