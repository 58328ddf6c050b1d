import type { Logger } from 'pino';
import { brandingOf, type Account, type AccountStore } from '../accounts';
import type { Mailer } from '../adapters/postmark';
// The token module directly: cardUpdate's index pulls in its service, which uses dunning's wording (a cycle).
import { cardUpdateUrl, issueLinkToken } from '../cardUpdate/linkToken';
import type { Clock } from '../clock';
import { UpstreamError } from '../errors';
import { formatAmount, markUndeliverable, recordEmailSent, reminderStepIndex, type CaseStore, type RecoveryCase, type RecoveryService } from '../recovery';
import { classifyDecline, describeLocalDate, timeZoneForCountry, withinLocalHours } from '../retryPolicy';
import { describeDeclineForCustomer } from './declineWording';
import { confirmationCopy, copyForStep, renderEmail } from './dunningEmail';
import { planNextEmail } from './dunningPlan';
import type { CopyVariant, DunningPolicy } from './dunningSteps';
import type { SuppressionStore } from './suppressionStore';

export interface DunningService {
  /** Claims one case with an email due, sends it if it is still wanted, and plans the next; false when none is due. */
  runNextDue(): Promise<boolean>;
}

const EMAIL_LEASE_MS = 60_000;
const RETRY_SEND_AFTER_MS = 5 * 60_000;
const RETRY_REFUSED_SEND_AFTER_MS = 60 * 60_000;

export function createDunningService(deps: {
  cases: CaseStore;
  recovery: RecoveryService;
  accounts: AccountStore;
  suppressions: SuppressionStore;
  mailer: Mailer | null;
  policyFor: (account: Account | null) => DunningPolicy;
  /** The merchant's own Postmark server token, when they brought one. */
  merchantServerToken: (account: Account | null) => string | null;
  linkKey: Uint8Array;
  linkValidityDays: number;
  publicUrl: string;
  from: string;
  merchantTimeZone: string;
  clock: Clock;
  logger: Logger;
}): DunningService {
  const { cases, recovery, accounts, suppressions, mailer, clock, logger } = deps;
  const release = (current: RecoveryCase, change: (fresh: RecoveryCase) => RecoveryCase) =>
    recovery.mutate(current.accountId, current, (fresh) => ({ ...change(fresh), emailLeaseUntil: new Date(0) }));

  async function valuesFor(current: RecoveryCase, account: Account | null, zone: string, now: Date) {
    const branding = brandingOf(account);
    const token = current.stripeCustomerId
      ? await issueLinkToken({ accountId: current.accountId, livemode: current.livemode, stripeCustomerId: current.stripeCustomerId, caseId: current.id }, deps.linkKey, now, deps.linkValidityDays)
      : null;
    const retryAt = current.plannedAction?.kind === 'retry' ? current.plannedAction.at : null;
    return {
      branding,
      values: {
        // The first name reads warmer; a business name or none falls back to "there".
        customerName: current.customerName?.trim().split(/\s+/)[0] || 'there',
        amount: formatAmount(current.amountMinor, current.currency),
        productName: branding.productName,
        merchantName: branding.merchantName,
        ...(branding.supportEmail ? { supportEmail: branding.supportEmail } : {}),
        ...(retryAt && retryAt > now ? { nextRetryDate: describeLocalDate(retryAt, zone) } : {}),
        ...(token ? { updateLink: cardUpdateUrl(deps.publicUrl, token) } : {}),
        ...(current.hostedInvoiceUrl ? { invoiceLink: current.hostedInvoiceUrl } : {}),
        declineReason: describeDeclineForCustomer(current.decline, current.needsCustomerAction),
      },
    };
  }

  async function sendConfirmation(current: RecoveryCase, account: Account | null, policy: DunningPolicy, now: Date): Promise<void> {
    const wanted = policy.sendConfirmation && mailer && current.customerEmail && current.emailStatus === 'ok' && !(await suppressions.isSuppressed(current.accountId, current.livemode, current.customerEmail));
    if (!wanted) {
      await release(current, (fresh) => ({ ...fresh, confirmationDueAt: null }));
      return;
    }
    const zone = current.customerTimeZone ?? timeZoneForCountry(current.customerCountry, deps.merchantTimeZone);
    const { branding, values } = await valuesFor(current, account, zone, now);
    const email = renderEmail(confirmationCopy(), values, branding);
    const result = await mailer!.send(
      { from: deps.from, to: current.customerEmail!, subject: email.subject, htmlBody: email.htmlBody, textBody: email.textBody, tag: 'recovery-confirmation', metadata: { accountId: current.accountId, caseId: current.id, step: 'confirmation' } },
      deps.merchantServerToken(account) ?? undefined,
    );
    await release(current, (fresh) => {
      const cleared = { ...fresh, confirmationDueAt: null };
      return result.kind === 'sent' ? recordEmailSent(cleared, { messageId: result.messageId, kind: 'confirmation', stepIndex: null, skipped: [], subject: email.subject }, now) : cleared;
    });
  }

  async function sendDunning(claimed: RecoveryCase, account: Account | null, policy: DunningPolicy, now: Date): Promise<void> {
    const zone = claimed.customerTimeZone ?? timeZoneForCountry(claimed.customerCountry, deps.merchantTimeZone);
    const toDaytime = (at: Date) => withinLocalHours(at, zone, policy.daytimeHours[0], policy.daytimeHours[1]);
    const plan = async (current: RecoveryCase, lastEmailAt: Date | null) =>
      planNextEmail(
        {
          isActive: current.status === 'active',
          openedAt: current.openedAt,
          doneSteps: current.dunningStepsDone,
          lastEmailToCustomerAt: lastEmailAt,
          hasEmailAddress: Boolean(current.customerEmail),
          recipientSuppressed: current.emailStatus === 'undeliverable' || (current.customerEmail ? await suppressions.isSuppressed(current.accountId, current.livemode, current.customerEmail) : false),
        },
        policy,
        now,
        toDaytime,
      );

    // Re-read just before sending: a payment may have closed the case since it was claimed.
    const current = (await cases.findById(claimed.accountId, claimed.livemode, claimed.id)) ?? claimed;
    const lastEmailAt = current.stripeCustomerId ? await cases.lastDunningEmailTo(current.accountId, current.stripeCustomerId) : null;
    // A reminder the merchant asked for goes out now (the API enforced its cool-down), unless the address cannot take it.
    const reminder =
      current.reminderRequestedAt && current.status === 'active' && !current.pausedAt && policy.steps.length > 0 && current.customerEmail && current.emailStatus === 'ok'
        && !(await suppressions.isSuppressed(current.accountId, current.livemode, current.customerEmail))
        ? { kind: 'send' as const, stepIndex: reminderStepIndex(current.dunningStepsDone, policy.steps.length), at: now, skipping: [] as number[] }
        : null;
    const decision = reminder ?? (await plan(current, lastEmailAt));
    if (decision.kind === 'none' || decision.at > now || !mailer) {
      await release(current, (fresh) => ({ ...fresh, reminderRequestedAt: null, nextEmailAt: decision.kind === 'send' && mailer ? decision.at : null }));
      return;
    }

    const classification = classifyDecline(current.decline, { needsCustomerAction: current.needsCustomerAction });
    const variant: CopyVariant =
      current.needsCustomerAction && current.hostedInvoiceUrl ? 'authentication_required'
      : classification.isInsufficientFunds ? 'insufficient_funds'
      : classification.bucket === 'never_retry' || classification.bucket === 'customer_must_act' ? 'card_must_change'
      : 'general';
    const { branding, values } = await valuesFor(current, account, zone, now);
    const step = policy.steps[decision.stepIndex]!;
    const email = renderEmail(copyForStep(step, variant), values, branding);
    const result = await mailer.send({
      from: deps.from,
      to: current.customerEmail!,
      ...(branding.supportEmail ? { replyTo: branding.supportEmail } : {}),
      subject: email.subject,
      htmlBody: email.htmlBody,
      textBody: email.textBody,
      tag: `dunning-step-${decision.stepIndex + 1}`,
      metadata: { accountId: current.accountId, caseId: current.id, step: String(decision.stepIndex) },
    }, deps.merchantServerToken(account) ?? undefined);
    if (result.kind === 'recipient_inactive') await suppressions.suppress({ accountId: current.accountId, livemode: current.livemode, email: current.customerEmail!, reason: 'inactive_recipient', at: now });
    const saved = await release(current, (fresh) => {
      if (result.kind === 'sent') return recordEmailSent(fresh, { messageId: result.messageId, kind: 'dunning', stepIndex: decision.stepIndex, skipped: decision.skipping, subject: email.subject }, now);
      return { ...markUndeliverable(fresh, result.kind === 'recipient_inactive' ? 'Postmark marks the address inactive' : `Postmark refused the email (${result.message})`, now), nextEmailAt: null };
    });
    if (result.kind === 'sent' && current.stripeCustomerId) await cases.noteDunningEmailTo(current.accountId, current.stripeCustomerId, now);
    logger.info({ accountId: current.accountId, caseId: current.id, step: decision.stepIndex, outcome: result.kind }, 'dunning email');
    if (result.kind === 'sent') {
      const next = await plan(saved, now);
      await recovery.mutate(saved.accountId, saved, (fresh) => ({ ...fresh, nextEmailAt: next.kind === 'send' ? next.at : null }));
    }
  }

  return {
    async runNextDue() {
      const now = clock.now();
      const claimed = await cases.claimEmailDue(now, EMAIL_LEASE_MS);
      if (!claimed) return false;
      const account = await accounts.find(claimed.accountId, claimed.livemode);
      const policy = deps.policyFor(account);
      try {
        if (claimed.status === 'recovered') await sendConfirmation(claimed, account, policy, now);
        else await sendDunning(claimed, account, policy, now);
      } catch (error) {
        // Nothing was sent. Postmark down or rate limiting passes within minutes; Postmark refusing the
        // message (say an unconfirmed sender signature) needs the merchant, so ask again hourly, not every few minutes.
        const retryable = !(error instanceof UpstreamError) || error.retryable;
        const retryAt = new Date(now.getTime() + (retryable ? RETRY_SEND_AFTER_MS : RETRY_REFUSED_SEND_AFTER_MS));
        logger.warn({ accountId: claimed.accountId, caseId: claimed.id, retryable, retryAt, err: error instanceof Error ? error.message : String(error) }, 'email not sent; will try again');
        const latest = (await cases.findById(claimed.accountId, claimed.livemode, claimed.id)) ?? claimed;
        await release(latest, (fresh) => (fresh.status === 'recovered' ? { ...fresh, confirmationDueAt: retryAt } : { ...fresh, nextEmailAt: retryAt }));
      }
      return true;
    },
  };
}
