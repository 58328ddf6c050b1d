import { putOffAfterFailedStep } from './attemptTransitions';
import type { CaseStore } from './caseStore';
import { keepRequestMadeMeanwhile } from './chargeChecks';
import type { OutboxEntry, RecoveryCase } from './recoveryCase';
import type { RecoveryService } from './recoveryService';

/** A change to the case a step works on; null leaves it as it is. */
export type Change = (fresh: RecoveryCase) => RecoveryCase | null;
/** Notes a change; it is written with the step's next write. */
export type Save = (change: Change) => Promise<RecoveryCase>;
/** The last write of a step: gives the case back with `change` applied; the case as written (null: not written, someone else wrote it first). */
export type Release = (change?: (fresh: RecoveryCase) => RecoveryCase) => Promise<RecoveryCase | null>;

/**
 * The database writes of one retry step: usually two, the claim and the release, or one.
 *
 * A step decides on a case it read without a lease. What it learns before
 * charging (Stripe's counts, a card set aside) waits in memory. To charge, it
 * claims the case: one write takes the lease and adds the pending attempt
 * together, so the attempt is on the case before Stripe hears of it and a
 * crash replays it with the same idempotency key, never a new charge. A step
 * that does not charge writes once, its release. Either first write happens
 * only if nobody wrote the case since the step read it; otherwise nothing is
 * written and the case, still due, is read again by a later step (a claim by
 * another worker is such a write: two workers never charge one case).
 * After the claim, changes wait for the release, which re-applies them on a
 * fresh read when an event wrote the case meanwhile, and carries the card
 * ledger entries of the step's charges in the case's outbox.
 */
export interface StepWrites {
  /** The case as the step has it, its unwritten changes included. */
  current(): RecoveryCase;
  save: Save;
  /**
   * Takes the lease with `begin` applied (null from `begin`: do not start); returns the case
   * as written, or null with nothing written. A step already holding the case writes `begin` at once.
   */
  claim(begin?: Change): Promise<RecoveryCase | null>;
  /** Adds an outbox entry to the step's next write (a card-ledger entry). */
  addToOutbox(entry: OutboxEntry): void;
  release: Release;
  /** True once the claim is written: the case is this step's until its release. */
  isHolding(): boolean;
}

/**
 * The retry lease a step's claim takes. `thankYou`: what a release that gives the case back recovered
 * writes about its thank-you email, sent just before (see DunningService.thankBeforeRelease); null: nothing.
 */
export interface StepLease {
  owner: string;
  until: Date;
  thankYou?: (recovered: RecoveryCase) => Promise<ThankYouSent | null>;
}

/** How a release records the thank-you sent just before it, and the case as that email's send mark left it. */
export interface ThankYouSent {
  record: Change;
  marked: RecoveryCase;
}

export function startStepWrites(recovery: RecoveryService, read: RecoveryCase, lease: StepLease): StepWrites {
  let known = read;
  let written = read;
  let unwritten: Change[] = [];
  let outbox: OutboxEntry[] = [];
  let holding = false;
  const replay = (fresh: RecoveryCase) => unwritten.reduce((changed, change) => change(changed) ?? changed, fresh);
  const wrote = (saved: RecoveryCase) => {
    known = written = saved;
    unwritten = [];
    outbox = [];
    return saved;
  };

  return {
    current: () => known,
    isHolding: () => holding,
    addToOutbox(entry) {
      outbox.push(entry);
    },
    async save(change) {
      const changed = change(known);
      if (changed) {
        known = changed;
        unwritten.push(change);
      }
      return known;
    },
    async claim(begin = (current) => current) {
      if (holding) {
        let started = false;
        const saved = await recovery.mutate(written.accountId, written, (fresh) => {
          const begun = begin(replay(fresh));
          started = begun !== null;
          return begun;
        }, outbox);
        return started ? wrote(saved) : null;
      }
      const begun = begin(known);
      if (!begun) return null;
      const saved = await recovery.saveIfUnchanged(written, { ...begun, leaseOwner: lease.owner, leaseUntil: lease.until }, outbox);
      if (!saved) return null;
      holding = true;
      return wrote(saved);
    },
    async release(change = (fresh) => fresh) {
      // A case given back recovered thanks its customer in this same write: the email goes out first, while the step
      // holds the case (a crash in between sends it again, as a crash between the email job's send and save would).
      // Not from a release that may not be written (the step never held the case): the email job sends that one.
      const leaving = holding ? change(known) : null;
      const thanks = leaving?.status === 'recovered' && leaving.confirmationDueAt && lease.thankYou ? await lease.thankYou(leaving) : null;
      // The send mark is a write of its own. Written straight over this step's last write (the next revision), it
      // set only the mark, so that is what is stored now: the release then writes over it instead of being refused.
      if (thanks && thanks.marked.revision === written.revision + 1) written = { ...written, sendingStep: thanks.marked.sendingStep, revision: thanks.marked.revision };
      // A step that got here succeeded, so the count of failed steps starts again.
      const giveBack = (current: RecoveryCase): RecoveryCase => {
        const released: RecoveryCase = { ...change({ ...current, actionFailures: 0 }), leaseOwner: null, leaseUntil: new Date(0) };
        return thanks && released.status === 'recovered' && released.confirmationDueAt ? (thanks.record(released) ?? released) : released;
      };
      if (!holding) {
        const saved = await recovery.saveIfUnchanged(written, giveBack(known), outbox);
        return saved && wrote(saved);
      }
      // A request made meanwhile (the merchant's "retry now", a new card) is newer than this step's plan and survives it.
      const saved = wrote(await recovery.mutate(written.accountId, written, (fresh) => keepRequestMadeMeanwhile(written, fresh, giveBack(replay(fresh))), outbox));
      holding = false;
      return saved;
    },
  };
}

/**
 * A step that threw: the case is put off with back-off and given back. Not
 * holding it: only if nobody wrote it since (a writer meanwhile decides its
 * next step). Holding it: on a fresh read, as the step's own changes may not
 * all have been written.
 */
export async function giveBackAfterFailure(
  deps: { recovery: RecoveryService; cases: CaseStore },
  writes: StepWrites,
  read: RecoveryCase,
  failure: Parameters<typeof putOffAfterFailedStep>[1],
  now: Date,
): Promise<void> {
  // The failure count is zeroed first; putOffAfterFailedStep sets it again for a case still active.
  const putOff = (fresh: RecoveryCase) => ({ ...putOffAfterFailedStep({ ...fresh, actionFailures: 0 }, failure, now), leaseOwner: null, leaseUntil: new Date(0) });
  if (!writes.isHolding()) {
    await deps.recovery.saveIfUnchanged(read, putOff(read));
    return;
  }
  const latest = (await deps.cases.findById(read.accountId, read.livemode, read.id)) ?? read;
  await deps.recovery.mutate(latest.accountId, latest, putOff);
}
