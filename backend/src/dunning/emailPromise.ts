import { formatDay, type Locale } from '../i18n';
import type { RecoveryCase } from '../recovery';
import { classifyDecline } from '../retryPolicy';
import type { CopyVariant } from './dunningSteps';

type PlanFacts = Pick<RecoveryCase, 'needsCustomerAction' | 'hostedInvoiceUrl' | 'decline' | 'plannedAction'>;

/**
 * Which version of the default copy fits the case's plan at send time. An
 * email promises a retry only when one is planned: waiting for a new card
 * (or any plan without a retry) asks the customer to act, whatever the
 * decline looked like when the case opened.
 * Example: lost_card, plan "wait for a new card" → card_must_change;
 * insufficient_funds, retry planned on 15 May → insufficient_funds.
 */
export function copyVariantFor(current: PlanFacts): CopyVariant {
  if (current.needsCustomerAction && current.hostedInvoiceUrl) return 'authentication_required';
  const { bucket, isInsufficientFunds } = classifyDecline(current.decline, { needsCustomerAction: current.needsCustomerAction });
  if (current.plannedAction?.kind === 'retry') return isInsufficientFunds ? 'insufficient_funds' : 'general';
  const mustChangeCard = current.plannedAction?.kind === 'wait_for_new_payment_method' || bucket === 'never_retry' || bucket === 'customer_must_act';
  return mustChangeCard ? 'card_must_change' : 'general';
}

/**
 * The date an email may promise for the next charge: the customer's local
 * date of the planned retry (a retry already due happens today), or null
 * when no retry is planned, so the copy promises none.
 * Example: retry at 2026-05-15T13:00Z, customer in New York → "Friday 15 May" (de: "Freitag, 15. Mai").
 */
export function promisedRetryDate(plannedAction: RecoveryCase['plannedAction'], zone: string, now: Date, locale: Locale = 'en'): string | null {
  if (plannedAction?.kind !== 'retry' || !plannedAction.at) return null;
  return formatDay(plannedAction.at > now ? plannedAction.at : now, zone, locale);
}
