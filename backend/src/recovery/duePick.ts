import type { RecoveryCase } from './recoveryCase';

/**
 * What the retry steps running in this process are working on: their cases,
 * and their customers, since two cases of one customer usually share a card
 * and a network limit counts every attempt on it.
 */
export interface StepsInProgress {
  /** Takes `current` for a step; false when this process already works on it or on its customer. */
  take(current: RecoveryCase): boolean;
  done(current: RecoveryCase): void;
}

const customerOf = (current: RecoveryCase) => `${current.accountId}|${current.livemode}|${current.stripeCustomerId ?? current.id}`;

export function createStepsInProgress(): StepsInProgress {
  const cases = new Set<string>();
  const customers = new Set<string>();
  return {
    take(current) {
      if (cases.has(current.id) || customers.has(customerOf(current))) return false;
      cases.add(current.id);
      customers.add(customerOf(current));
      return true;
    },
    done(current) {
      cases.delete(current.id);
      customers.delete(customerOf(current));
    },
  };
}

/**
 * One of the due cases read, at random, that no step of this process works on:
 * lanes of one worker never race for a case, and workers reading at once mostly pick different ones.
 */
export function pickDueCase(found: RecoveryCase[], inProgress: StepsInProgress, random: () => number = Math.random): RecoveryCase | null {
  const start = Math.floor(random() * found.length);
  for (let i = 0; i < found.length; i += 1) {
    const candidate = found[(start + i) % found.length]!;
    if (inProgress.take(candidate)) return candidate;
  }
  return null;
}

/** Due cases read together and handed to a worker's lanes one at a time. */
export interface DueQueue {
  /** A due case no lane of this process works on, taken for the caller (give it back with inProgress.done); null when none is due. */
  next(): Promise<RecoveryCase | null>;
}

/**
 * One read of up to `batch` due cases serves the lanes until it runs out or
 * is `maxAgeMs` old, instead of one read per step; a queue lives for one run
 * of the job and hands each case out once. A case read earlier may have
 * changed since: every write of a step is conditional on the revision it
 * read, so a stale case is only skipped, never acted on.
 */
export function createDueQueue(
  readDue: (limit: number) => Promise<RecoveryCase[]>,
  inProgress: StepsInProgress,
  options: { batch: number; maxAgeMs: number; now?: () => number; random?: () => number },
): DueQueue {
  const now = options.now ?? Date.now;
  let waiting: RecoveryCase[] = [];
  let readAt = 0;
  let reading: Promise<void> | null = null;

  // A case handed out once is not handed out again by this queue: a later read may still show it due from before
  // its step's release, and a step on that read would only find it changed.
  const handedOut = new Set<string>();
  const take = (): RecoveryCase | null => {
    if (now() - readAt > options.maxAgeMs) waiting = [];
    const taken = pickDueCase(waiting.filter((candidate) => !handedOut.has(candidate.id)), inProgress, options.random);
    if (taken) {
      handedOut.add(taken.id);
      waiting = waiting.filter((candidate) => candidate.id !== taken.id);
    }
    return taken;
  };
  const refill = () => {
    // Lanes that find the queue empty together share one read.
    reading ??= readDue(options.batch)
      .then((found) => {
        waiting = found;
        readAt = now();
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  };

  return {
    async next() {
      const ready = take();
      if (ready) return ready;
      await refill();
      return take();
    },
  };
}
