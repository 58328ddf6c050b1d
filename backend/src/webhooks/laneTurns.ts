import { mayTouchSameCase, type EventLane } from './eventLanes';

type LaneScope = Pick<EventLane, 'scope' | 'subject'>;

/**
 * Turns for lanes of batches handled at the same time: a lane that may touch
 * the same case as a lane already started (the same customer, or an account
 * being installed or uninstalled) starts once that one has ended, so one
 * worker still handles a customer's events one after another, in the order
 * their batches were claimed. Lanes wait only for lanes started before them,
 * so no two ever wait for each other.
 */
export interface LaneTurns {
  /** Runs `work` once every overlapping lane started before it has ended (however it ended); resolves as `work` does. */
  run<T>(lane: LaneScope, work: () => Promise<T>): Promise<T>;
  /** Lanes started and not yet ended. */
  readonly inFlight: number;
}

export function createLaneTurns(): LaneTurns {
  const started = new Set<{ lane: LaneScope; ended: Promise<void> }>();
  return {
    run(lane, work) {
      const before = [...started].filter((other) => mayTouchSameCase(lane, other.lane)).map((other) => other.ended);
      const result = Promise.all(before).then(work);
      const entry = { lane, ended: result.then(ignore, ignore) };
      started.add(entry);
      void entry.ended.then(() => started.delete(entry));
      return result;
    },
    get inFlight() {
      return started.size;
    },
  };
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
  const started = new Set<Promise<void>>();
  let lastAlone: Promise<void> = Promise.resolve();
  return {
    run(alone, work) {
      const before = alone ? [lastAlone, ...started] : [lastAlone];
      const result = Promise.all(before).then(work);
      const ended = result.then(ignore, ignore);
      if (alone) {
        lastAlone = ended;
      } else {
        started.add(ended);
        void ended.then(() => started.delete(ended));
      }
      return result;
    },
  };
}

const ignore = () => undefined;
