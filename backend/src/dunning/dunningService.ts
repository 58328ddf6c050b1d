import type { Logger } from 'pino';
import { brandingOf, type Account, type AccountProfileLookup, type AccountStore } from '../accounts';
// The token module directly: cardUpdate's index pulls in its service, which uses dunning's wording (a cycle).
import { cardUpdateUrl, issueLinkToken } from '../cardUpdate/linkToken';
import type { Clock } from '../clock';
import { UpstreamError } from '../errors';
import { chooseLocale, formatMoney, merchantLanguageOf, translate, type Locale } from '../i18n';
import { createStepsInProgress, isControlCase, markSending, markUndeliverable, recordEmailSent, reminderStepIndex, withoutEmails, type CaseStore, type EmailContent, type RecoveryCase, type RecoveryService, type ThankYouSent } from '../recovery';
import { inLanes } from '../lanes';
import { customerTimeZoneFor, withinLocalHours } from '../retryPolicy';
import { describeDeclineForCustomer } from './declineWording';
import { confirmationCopy, copyForStep, renderEmail, type RenderedEmail } from './dunningEmail';
import { planNextEmail } from './dunningPlan';
import type { DunningPolicy } from './dunningSteps';
import type { EmailContentStore } from './emailContentStore';
import { createEmailDelivery, type DeliveryOutcome, type MarkSend } from './emailDelivery';
import { startEmailWrites, type EmailWrites } from './emailWrites';
import type { Mailer, OutgoingEmail, SenderOutcomeNote } from './mailer';
import { heldForEmailToday, type LastReminderLookup } from './oneEmailADay';
import { copyVariantFor, promisedRetryDate } from './emailPromise';
import type { SuppressionStore } from './suppressionStore';

export interface DunningService {
  /** Takes one case with an email due, sends it if it is still wanted, and plans the next; false when none was written. */
  runNextDue(): Promise<boolean>;
  /** As runNextDue for up to `limit` cases read in one query; returns how many it wrote (a case written meanwhile is left for a later run). */
  runDue(limit: number): Promise<number>;
  /**
   * The thank-you of a case a retry step is about to give back recovered: sent (or recorded, or decided
   * against) now, while the step holds the case, and written by the step's release as the returned change.
   * Null when it could not be sent: the email job then sends it as any due thank-you. `account`: as the step read it.
   */
  thankBeforeRelease(recovered: RecoveryCase, account: Account | null): Promise<ThankYouSent | null>;
}

const EMAIL_LEASE_MS = 60_000;
const RETRY_SEND_AFTER_MS = 5 * 60_000;
const RETRY_REFUSED_SEND_AFTER_MS = 60 * 60_000;
/** How long the first email waits for the customer's address (read by the case's first retry step), and how often it looks. */
const PLACE_WAIT_MS = 60 * 60_000;
// Half a minute: the case's first retry step (due at once) reads the place, so it is usually known by the next look.
const PLACE_RECHECK_MS = 30_000;

/**
 * True while a young case's customer place is still unknown but Stripe has a customer to read it from:
 * the email waits (at most PLACE_WAIT_MS after the case opened), then goes in the merchant's zone.
 * Example: opened 14:00 UTC, Tokyo customer not read yet → look again at 14:00:30; read at 14:01 → planned in Tokyo's daytime.
 */
function isPlaceAwaited(current: RecoveryCase, now: Date): boolean {
  return !current.customerTimeZone && !current.customerCountry && current.stripeCustomerId !== null && now.getTime() < current.openedAt.getTime() + PLACE_WAIT_MS;
}

export function createDunningService(deps: {
  cases: CaseStore;
  recovery: RecoveryService;
  accounts: AccountStore;
  suppressions: SuppressionStore;
  emailContents: EmailContentStore;
  mailer: Mailer | null;
  /** Reads the Stripe account's own email: the one address test mode delivers to. */
  accountProfilesFor: (livemode: boolean) => AccountProfileLookup | null;
  /** The case's sequence: the account's, or its experiment arm's (issue 15). */
  policyFor: (account: Account | null, current: RecoveryCase) => DunningPolicy | Promise<DunningPolicy>;
  /** The merchant's own Postmark server token, when they brought one. */
  merchantServerToken: (account: Account | null) => string | null;
  /** Keeps Postmark's answer to the account's From, for the settings view. */
  noteSender?: SenderOutcomeNote;
  linkKey: Uint8Array;
  linkValidityDays: number;
  publicUrl: string;
  /** Who the account's emails come from (dunning/senderIdentity's rule): From and Reply-To. */
  senderFor: (account: Account | null) => { from: string; replyTo: string | null };
  /** The merchant's time zone (their retry policy's), the fallback when the customer's zone is unknown. */
  merchantTimeZoneFor: (account: Account | null) => string;
  /** Emails one run sends at once, each to a different customer (absent: one at a time). */
  lanes?: number;
  /** The customer's last pre-dunning reminder: a dunning email never lands on the same local day (absent: no reminders). */
  lastReminderTo?: LastReminderLookup;
  clock: Clock;
  logger: Logger;
}): DunningService {
  const { cases, recovery, accounts, suppressions, mailer, clock, logger } = deps;
  const delivery = mailer
    ? createEmailDelivery({ mailer, accounts, accountProfilesFor: deps.accountProfilesFor, merchantServerToken: deps.merchantServerToken, ...(deps.noteSender ? { noteSender: deps.noteSender } : {}), logger })
    : null;
  /** The email job's send mark, which takes the case's email lease. */
  const markFor = (writes: EmailWrites, now: Date): MarkSend => (sending) => writes.mark(sending, new Date(now.getTime() + EMAIL_LEASE_MS));

  async function valuesFor(current: RecoveryCase, account: Account | null, zone: string, now: Date) {
    const branding = brandingOf(account);
    const merchantLanguage = merchantLanguageOf(account?.settings);
    const locale: Locale = chooseLocale(current.customerLocales, merchantLanguage);
    const token = current.stripeCustomerId
      ? await issueLinkToken({ accountId: current.accountId, livemode: current.livemode, stripeCustomerId: current.stripeCustomerId, caseId: current.id }, deps.linkKey, now, deps.linkValidityDays)
      : null;
    const nextRetryDate = promisedRetryDate(current.plannedAction, zone, now, locale);
    return {
      branding,
      locale,
      merchantLanguage,
      values: {
        // The first name reads warmer; a business name or none falls back to "there" (in the customer's language).
        customerName: current.customerName?.trim().split(/\s+/)[0] || translate(locale, 'email.customerNameFallback'),
        amount: formatMoney(current.amountMinor, current.currency, locale),
        productName: branding.productName,
        merchantName: branding.merchantName,
        ...(branding.supportEmail ? { supportEmail: branding.supportEmail } : {}),
        ...(nextRetryDate ? { nextRetryDate } : {}),
        ...(token ? { updateLink: cardUpdateUrl(deps.publicUrl, token) } : {}),
        ...(current.hostedInvoiceUrl ? { invoiceLink: current.hostedInvoiceUrl } : {}),
        declineReason: describeDeclineForCustomer(current.decline, current.needsCustomerAction, locale),
      },
    };
  }

  /** The email as it goes out (or, in test mode, as it is recorded). */
  function outgoing(current: RecoveryCase, account: Account | null, email: RenderedEmail, tag: string, step: string): { message: OutgoingEmail; content: EmailContent } {
    const { from, replyTo } = deps.senderFor(account);
    const message: OutgoingEmail = {
      from,
      to: current.customerEmail!,
      ...(replyTo ? { replyTo } : {}),
      subject: email.subject,
      htmlBody: email.htmlBody,
      textBody: email.textBody,
      tag,
      metadata: { accountId: current.accountId, caseId: current.id, step },
    };
    return { message, content: { to: message.to, from: message.from, replyTo, subject: email.subject, html: email.htmlBody, text: email.textBody } };
  }

  /** Keeps what an email that went (or was recorded) said, before its case records it; null for one that did not go. */
  async function keptContent(current: RecoveryCase, outcome: DeliveryOutcome, content: EmailContent, now: Date): Promise<string | null> {
    if (outcome.kind !== 'sent' && outcome.kind !== 'recorded_test_mode') return null;
    const owner = { accountId: current.accountId, livemode: current.livemode, caseId: current.id, stripeCustomerId: current.stripeCustomerId };
    return deps.emailContents.keep(owner, content, now);
  }

  async function sendConfirmation(writes: EmailWrites, account: Account | null, policy: DunningPolicy, now: Date): Promise<void> {
    const sent = await confirmationSent(writes.current(), account, policy, now, markFor(writes, now));
    if (sent) await writes.release(sent.record);
  }

  /**
   * Sends (or records, or decides against) the thank-you of a recovered case. Returns how to record that on the
   * case, and the case as it stands after the send (its send mark is a write). Throws when the send failed;
   * null when the mark was not written (someone wrote the case first): nothing was sent.
   */
  async function confirmationSent(current: RecoveryCase, account: Account | null, policy: DunningPolicy, now: Date, mark: MarkSend): Promise<{ record: (fresh: RecoveryCase) => RecoveryCase; current: RecoveryCase } | null> {
    const wanted = policy.sendConfirmation && delivery && current.customerEmail && current.emailStatus === 'ok' && !(await suppressions.isSuppressed(current.accountId, current.livemode, current.customerEmail));
    if (!wanted) return { record: (fresh) => ({ ...fresh, confirmationDueAt: null }), current };
    // The retry plan uses this same zone, so a date an email names is the date of the planned charge.
    const zone = customerTimeZoneFor(current, deps.merchantTimeZoneFor(account));
    const { branding, values, locale } = await valuesFor(current, account, zone, now);
    const email = renderEmail(confirmationCopy(locale), values, branding, locale);
    const { message, content } = outgoing(current, account, email, 'recovery-confirmation', 'confirmation');
    const result = await delivery!.deliver(current, account, message, 'confirmation', now, mark);
    if (result.kind === 'written_meanwhile') return null;
    const contentId = await keptContent(current, result, content, now);
    const record = (fresh: RecoveryCase): RecoveryCase => {
      const cleared = { ...fresh, confirmationDueAt: null, sendingStep: null };
      if (result.kind === 'sent') return recordEmailSent(cleared, { messageId: result.messageId, kind: 'confirmation', stepIndex: null, skipped: [], subject: email.subject, contentId }, now);
      if (result.kind === 'recorded_test_mode') return recordEmailSent(cleared, { messageId: null, kind: 'confirmation', stepIndex: null, skipped: [], subject: email.subject, contentId, delivery: 'recorded_test_mode' }, now);
      return cleared;
    };
    return { record, current: result.current };
  }

  async function sendDunning(writes: EmailWrites, account: Account | null, policy: DunningPolicy, now: Date): Promise<void> {
    // As the job read it: a payment that closed the case since is a write, and then the turn's first write is refused.
    const current = writes.current();
    const zone = customerTimeZoneFor(current, deps.merchantTimeZoneFor(account));
    const toDaytime = (at: Date) => withinLocalHours(at, zone, policy.daytimeHours[0], policy.daytimeHours[1]);
    const lastEmailAt = current.stripeCustomerId ? await cases.lastDunningEmailTo(current.accountId, current.stripeCustomerId) : null;
    // Read once: it decides this email, and plans the next one in the same write that records this one.
    const suppressed = current.customerEmail ? await suppressions.isSuppressed(current.accountId, current.livemode, current.customerEmail) : false;
    const plan = (planned: RecoveryCase, lastSentAt: Date | null) =>
      planNextEmail(
        {
          isActive: planned.status === 'active',
          openedAt: planned.openedAt,
          doneSteps: planned.dunningStepsDone,
          lastEmailToCustomerAt: lastSentAt,
          hasEmailAddress: Boolean(planned.customerEmail),
          recipientSuppressed: planned.emailStatus === 'undeliverable' || suppressed,
        },
        policy,
        now,
        toDaytime,
      );
    // A reminder the merchant asked for goes out now (the API enforced its cool-down), unless the address cannot take it.
    const reminder =
      current.reminderRequestedAt && current.status === 'active' && !current.pausedAt && policy.steps.length > 0 && current.customerEmail && current.emailStatus === 'ok' && !suppressed
        ? { kind: 'send' as const, stepIndex: reminderStepIndex(current.dunningStepsDone, policy.steps.length), at: now, skipping: [] as number[] }
        : null;
    const decision = reminder ?? plan(current, lastEmailAt);
    // The customer's place is read by the retry step that opens the case: an email timed without it lands in the wrong daytime.
    if (!reminder && decision.kind === 'send' && isPlaceAwaited(current, now)) {
      await writes.release((fresh) => ({ ...fresh, nextEmailAt: new Date(now.getTime() + PLACE_RECHECK_MS) }));
      return;
    }
    if (decision.kind === 'none' || decision.at > now || !delivery) {
      await writes.release((fresh) => ({ ...fresh, reminderRequestedAt: null, nextEmailAt: decision.kind === 'send' && delivery ? decision.at : null }));
      return;
    }
    // One email a day across dunning and pre-dunning: after a reminder today, this waits for tomorrow's daytime.
    const lastReminderAt = current.stripeCustomerId && deps.lastReminderTo ? await deps.lastReminderTo(current, current.stripeCustomerId) : null;
    const heldUntil = heldForEmailToday([lastReminderAt], now, zone, policy.daytimeHours);
    if (heldUntil) {
      await writes.release((fresh) => ({ ...fresh, nextEmailAt: heldUntil }));
      return;
    }

    // The copy follows the plan as it stands now: no retry promised unless one is planned.
    const { branding, values, locale, merchantLanguage } = await valuesFor(current, account, zone, now);
    const email = renderEmail(copyForStep(policy.steps[decision.stepIndex]!, copyVariantFor(current), locale, merchantLanguage), values, branding, locale);
    const step = String(decision.stepIndex);
    const { message, content } = outgoing(current, account, email, `dunning-step-${decision.stepIndex + 1}`, step);
    const result = await delivery.deliver(current, account, message, step, now, markFor(writes, now));
    if (result.kind === 'written_meanwhile') return;
    if (result.kind === 'recipient_inactive') await suppressions.suppress({ accountId: current.accountId, livemode: current.livemode, email: current.customerEmail!, reason: 'inactive_recipient', at: now });
    const done = result.kind === 'sent' || result.kind === 'recorded_test_mode';
    const contentId = await keptContent(current, result, content, now);
    const recorded = await writes.release((fresh) => {
      const record = { kind: 'dunning' as const, stepIndex: decision.stepIndex, skipped: decision.skipping, subject: email.subject, contentId };
      // The next email is planned in the write that records this one: one write, and no moment without a plan.
      const withNext = (sent: RecoveryCase): RecoveryCase => {
        const next = plan(sent, now);
        return { ...sent, nextEmailAt: next.kind === 'send' ? next.at : null };
      };
      if (result.kind === 'sent') return withNext(recordEmailSent(fresh, { ...record, messageId: result.messageId }, now));
      if (result.kind === 'recorded_test_mode') return withNext(recordEmailSent(fresh, { ...record, messageId: null, delivery: 'recorded_test_mode' }, now));
      return { ...markUndeliverable(fresh, result.kind === 'recipient_inactive' ? 'Postmark marks the address inactive' : `Postmark refused the email (${result.message})`, now), nextEmailAt: null, sendingStep: null };
    });
    // A recorded email counts for the one-a-day rule too: test mode paces exactly as live mode would.
    // Not written (test mode records without a mark, so someone may have written the case first): a later run decides again.
    if (done && recorded && current.stripeCustomerId) await cases.noteDunningEmailTo(current.accountId, current.stripeCustomerId, now);
    logger.info({ accountId: current.accountId, caseId: current.id, step: decision.stepIndex, outcome: result.kind }, 'dunning email');
  }

  return {
    async runNextDue() {
      return (await runDue(1)) > 0;
    },
    runDue,
    async thankBeforeRelease(recovered, account) {
      if (isControlCase(recovered)) return null;
      try {
        // The step holds the case: its mark goes on over whatever was written meanwhile.
        const mark: MarkSend = (sending) => recovery.mutate(recovered.accountId, recovered, (fresh) => markSending(fresh, sending));
        const sent = await confirmationSent(recovered, account, await deps.policyFor(account, recovered), clock.now(), mark);
        return sent && { record: sent.record, marked: sent.current };
      } catch (error) {
        logger.warn({ accountId: recovered.accountId, caseId: recovered.id, err: error instanceof Error ? error.message : String(error) }, 'thank-you not sent with the recovery; the email job will send it');
        return null;
      }
    },
  };

  async function runDue(limit: number): Promise<number> {
    const waiting = await cases.findEmailDue(clock.now(), limit);
    // Customers side by side, a customer's cases one after another: the one-email-a-day rule reads their last email.
    // A lane ends when every case left is of a customer another lane is on; that lane takes them after its own.
    const working = createStepsInProgress();
    const next = () => {
      const found = waiting.find((candidate) => working.take(candidate));
      if (found) waiting.splice(waiting.indexOf(found), 1);
      return found;
    };
    let written = 0;
    const lane = async () => {
      for (let found = next(); found; found = next()) {
        try {
          if (await sendDue(found, clock.now())) written += 1;
        } finally {
          working.done(found);
        }
      }
    };
    await inLanes(deps.lanes ?? 1, lane);
    return written;
  }

  /** One turn on a case read as due; false when nothing was written (someone wrote the case since the read). */
  async function sendDue(found: RecoveryCase, now: Date): Promise<boolean> {
    const writes = startEmailWrites(recovery, found);
    // The holdout's control group gets no email from us, not even the thank-you.
    if (isControlCase(found)) return (await writes.release(withoutEmails)) !== null;
    const account = await accounts.find(found.accountId, found.livemode);
    const policy = await deps.policyFor(account, found);
    try {
      if (found.status === 'recovered') await sendConfirmation(writes, account, policy, now);
      else await sendDunning(writes, account, policy, now);
    } catch (error) {
      // Nothing was recorded. Postmark down or rate limiting passes within minutes; Postmark refusing the
      // message (say an unconfirmed sender signature) needs the merchant, so ask again hourly, not every few minutes.
      const retryable = !(error instanceof UpstreamError) || error.retryable;
      const retryAt = new Date(now.getTime() + (retryable ? RETRY_SEND_AFTER_MS : RETRY_REFUSED_SEND_AFTER_MS));
      // A send whose answer was lost may have gone through: the case's send mark makes the next try ask Postmark first.
      logger.warn({ accountId: found.accountId, caseId: found.id, retryable, retryAt, err: error instanceof Error ? error.message : String(error) }, 'email not recorded; will try again');
      await writes.release((fresh) => (fresh.status === 'recovered' ? { ...fresh, confirmationDueAt: retryAt } : { ...fresh, nextEmailAt: retryAt }));
    }
    return writes.wrote();
  }
}
