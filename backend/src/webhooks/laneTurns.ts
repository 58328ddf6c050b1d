import { mayTouchSameCase, type EventLane } from './eventLanes';

type LaneScope = Pick<EventLane, 'scope' | 'subject'>;

/**
 * Turns for lanes of batches handled at the same time: a lane that may touch
 * the same case as a lane already started (the same customer, or an account
 * being installed or uninstalled) starts once that one has ended, so one
 * worker still handles a customer's events one after another, in the order
 * their batches were claimed.
 */
export interface LaneTurns {
  /** Runs `work` once every overlapping lane started before it has ended (however it ended); resolves as `work` does. */
  run<T>(lane: LaneScope, work: () => Promise<T>): Promise<T>;
  /** Lanes started and not yet ended. */
  readonly inFlight: number;
}

export function createLaneTurns(): LaneTurns {
  return createTurns<LaneScope>(mayTouchSameCase);
}

/**
 * Turns for whole batches: a batch holding an install or uninstall is
 * handled alone, after the batches started before it and before any started
 * after it. Its account's events in other batches would otherwise run on the
 * account as read before the install or uninstall changed it (a batch reads
 * each account once).
 */
export interface BatchTurns {
  /** Runs `work` for a batch in its turn; `alone` for a batch that must run alone. Resolves as `work` does. */
  run<T>(alone: boolean, work: () => Promise<T>): Promise<T>;
}

export function createBatchTurns(): BatchTurns {
  return createTurns<boolean>((a, b) => a || b);
}

/**
 * Work that waits for every overlapping piece started before it to end. Each
 * waits only for pieces started before it, so no two ever wait for each other.
 */
function createTurns<K>(overlap: (a: K, b: K) => boolean) {
  const started = new Set<{ key: K; ended: Promise<void> }>();
  return {
    run<T>(key: K, work: () => Promise<T>): Promise<T> {
      const before = [...started].filter((other) => overlap(key, other.key)).map((other) => other.ended);
      const result = Promise.all(before).then(work);
      const entry = { key, ended: result.then(ignore, ignore) };
      started.add(entry);
      void entry.ended.then(() => started.delete(entry));
      return result;
    },
    get inFlight() {
      return started.size;
    },
  };
}

const ignore = () => undefined;
