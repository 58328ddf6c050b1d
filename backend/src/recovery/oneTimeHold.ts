import type { AccountRef, BillingGateway } from './billingGateway';
import type { CaseFact } from './billingFacts';
import { noteOnTimeline, pendingAttempt } from './attemptTransitions';
import { decideCaseFact } from './caseTransitions';
import { checkBeforeConfirm } from './oneTimeCheck';
import { IN_FLIGHT_RECHECK_MS, stopAsCanceled } from './oneTimeConfirmation';
import { closeAsPaidElsewhere } from './oneTimePayments';
import type { RecoveryCase } from './recoveryCase';
import type { Release } from './stepWrites';

/**
 * A retry step's check before it confirms a one-time payment: only while Stripe says it is unpaid, no other
 * payment paid the order, and the customer consented to off-session charges. True when the step ends here,
 * the case given back with what the check found. `waitForCustomer` concludes the case waiting for the
 * customer (the step's plan, then its release), with the reason.
 */
export async function holdOneTimePayment(
  step: { release: Release; current: RecoveryCase; paymentIntentId: string; account: AccountRef; gateway: BillingGateway; now: Date },
  waitForCustomer: (reason: string) => Promise<void>,
): Promise<boolean> {
  const { release, current, now } = step;
  const decision = await checkBeforeConfirm(current, step.paymentIntentId, step.account, step.gateway);
  switch (decision.kind) {
    case 'confirm':
      return false;
    case 'wait_for_customer':
      // An attempt already sent (with consent at the time) is replayed with its own key: the same request, not a new charge.
      if (pendingAttempt(current)) return false;
      await waitForCustomer(decision.reason);
      return true;
    case 'in_flight': {
      const recheckAt = new Date(now.getTime() + IN_FLIGHT_RECHECK_MS);
      const noted = current.timeline.at(-1)?.summary === decision.reason;
      await release((fresh) => {
        const later = { ...fresh, nextActionAt: recheckAt, nextActionTrigger: 'schedule' as const };
        return noted ? later : noteOnTimeline(later, { at: now, kind: 'retry_refused', summary: decision.reason });
      });
      return true;
    }
    case 'paid': {
      const fact: CaseFact = { eventId: `refresh:${current.id}:${now.getTime()}`, occurredAt: now, target: current.target, kind: 'payment_succeeded', paidOutOfBand: false, stripeAttemptCount: null };
      await release((fresh) => {
        const closed = decideCaseFact(fresh, fact, { accountId: fresh.accountId, livemode: fresh.livemode }, false);
        return closed.kind === 'update' ? closed.case : fresh;
      });
      return true;
    }
    case 'paid_elsewhere':
      await release((fresh) => closeAsPaidElsewhere(fresh, decision.payment, decision.match, `check:${fresh.id}:${decision.payment.paymentIntentId}`, now) ?? fresh);
      return true;
    case 'canceled':
      await release((fresh) => stopAsCanceled(fresh, decision.reason, now));
      return true;
  }
}
