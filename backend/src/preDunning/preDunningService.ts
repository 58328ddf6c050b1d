import type { Logger } from 'pino';
import { brandingOf, type Account, type AccountStore } from '../accounts';
import { cardUpdateUrl, issueRenewalLinkToken } from '../cardUpdate/linkToken';
import type { Clock } from '../clock';
import { heldForEmailToday, type DunningPolicy, type Mailer, type SenderOutcomeNote, type SuppressionStore, type TestModeRecipients } from '../dunning';
import { UpstreamError } from '../errors';
import type { CaseStore } from '../recovery';
import type { Renewal, ReminderSent } from '../renewals/renewal';
import type { RenewalStore } from '../renewals/renewalStore';
import { chooseLocale, merchantLanguageOf } from '../i18n';
import { customerTimeZoneFor } from '../retryPolicy';
import type { PreDunningPolicy } from './preDunningPolicy';
import { reminderCopyFor, renderReminder } from './reminderCopy';
import { createReminderDelivery, reminderSendKey } from './reminderDelivery';
import { planNextReminder } from './reminderPlan';
import { reminderValuesFor } from './reminderValues';

export interface PreDunningService {
  /** Claims up to `limit` renewals with a reminder due and sends (or records) each that is still wanted; returns how many it took. */
  runDue(limit: number): Promise<number>;
  /** Plans (or clears) the next reminder of every renewal in the coming 61 days; returns how many plans changed. */
  planUpcoming(): Promise<number>;
}

const RETRY_SEND_AFTER_MS = 5 * 60_000;
const RETRY_REFUSED_SEND_AFTER_MS = 60 * 60_000;
const PLAN_HORIZON_MS = 61 * 24 * 60 * 60_000;
const PLAN_PAGE = 200;
/** The customer's cases looked at for today's emails: their newest, which hold any email of today. */
const CASES_LOOKED_AT = 20;

export function createPreDunningService(deps: {
  renewals: RenewalStore;
  cases: Pick<CaseStore, 'listByCustomer'>;
  accounts: AccountStore;
  suppressions: SuppressionStore;
  mailer: Mailer | null;
  recipients: TestModeRecipients;
  policyFor: (account: Account | null) => PreDunningPolicy;
  /** Dunning's policy: its daytime hours are the customer's daytime for every email. */
  dunningPolicyFor: (account: Account | null) => DunningPolicy;
  merchantServerToken: (account: Account | null) => string | null;
  /** Keeps Postmark's answer to the account's From, for the settings view. */
  noteSender?: SenderOutcomeNote;
  merchantTimeZoneFor: (account: Account | null) => string;
  linkKey: Uint8Array;
  publicUrl: string;
  /** Who the account's emails come from (dunning/senderIdentity's rule): From and Reply-To. */
  senderFor: (account: Account | null) => { from: string; replyTo: string | null };
  clock: Clock;
  logger: Logger;
  instanceId: string;
  leaseMs: number;
}): PreDunningService {
  const { renewals, accounts, clock, logger } = deps;
  const delivery = deps.mailer ? createReminderDelivery({ mailer: deps.mailer, recipients: deps.recipients, merchantServerToken: deps.merchantServerToken, ...(deps.noteSender ? { noteSender: deps.noteSender } : {}), logger }) : null;
  const owner = deps.instanceId;

  const settingsOf = (account: Account | null, renewal: Renewal) => ({
    policy: deps.policyFor(account),
    daytime: deps.dunningPolicyFor(account).daytimeHours,
    zone: customerTimeZoneFor({ customerTimeZone: null, customerCountry: renewal.customerCountry }, deps.merchantTimeZoneFor(account)),
  });

  /** Every email this customer got from us in this account and mode: case emails and reminders on any of their subscriptions. */
  async function emailsTo(renewal: Renewal): Promise<Date[]> {
    const tenancy = { accountId: renewal.accountId, livemode: renewal.livemode };
    const [cases, theirRenewals] = await Promise.all([deps.cases.listByCustomer(renewal.accountId, renewal.livemode, renewal.customerId, CASES_LOOKED_AT), renewals.findByCustomer(tenancy, renewal.customerId)]);
    return [...cases.flatMap((found) => found.emails.map((email) => email.sentAt)), ...theirRenewals.flatMap((other) => (other.lastReminderAt ? [other.lastReminderAt] : []))];
  }

  async function remind(claimed: Renewal, now: Date): Promise<void> {
    const account = await accounts.find(claimed.accountId, claimed.livemode);
    const { policy, daytime, zone } = settingsOf(account, claimed);
    // Re-checked at send time: the card, the subscription or the settings may have changed since it was planned.
    const plan = planNextReminder(claimed, policy, now, zone, daytime);
    if (plan.kind === 'none' || plan.at > now || !delivery) {
      await renewals.releaseReminder(claimed.id, owner, plan.kind === 'send' && delivery ? plan.at : null);
      return;
    }
    if (await deps.suppressions.isSuppressed(claimed.accountId, claimed.livemode, claimed.customerEmail!)) {
      await renewals.releaseReminder(claimed.id, owner, null);
      return;
    }
    const heldUntil = heldForEmailToday(await emailsTo(claimed), now, zone, daytime);
    if (heldUntil) {
      await renewals.releaseReminder(claimed.id, owner, heldUntil);
      return;
    }

    const renewsAt = claimed.renewsAt!;
    const branding = brandingOf(account);
    const token = await issueRenewalLinkToken({ accountId: claimed.accountId, livemode: claimed.livemode, customerId: claimed.customerId, subscriptionId: claimed.subscriptionId }, deps.linkKey, now, renewsAt);
    const merchantLanguage = merchantLanguageOf(account?.settings);
    const locale = chooseLocale(claimed.customerLocales, merchantLanguage);
    const values = reminderValuesFor(claimed, branding, zone, cardUpdateUrl(deps.publicUrl, token), locale);
    const email = renderReminder(reminderCopyFor(policy, plan.stepIndex, locale, merchantLanguage)!, values, branding, locale);
    const { from, replyTo } = deps.senderFor(account);
    const result = await delivery.deliver(
      account,
      claimed.livemode,
      {
        from,
        to: claimed.customerEmail!,
        ...(replyTo ? { replyTo } : {}),
        subject: email.subject,
        htmlBody: email.htmlBody,
        textBody: email.textBody,
        tag: `pre-dunning-step-${plan.stepIndex + 1}`,
        metadata: { accountId: claimed.accountId, kind: 'pre_dunning', subscriptionId: claimed.subscriptionId, step: String(plan.stepIndex) },
      },
      reminderSendKey(claimed.id, renewsAt, plan.stepIndex),
      now,
    );
    logger.info({ accountId: claimed.accountId, subscriptionId: claimed.subscriptionId, step: plan.stepIndex, outcome: result.kind }, 'pre-dunning reminder');
    if (result.kind === 'recipient_inactive' || result.kind === 'rejected') {
      if (result.kind === 'recipient_inactive') await deps.suppressions.suppress({ accountId: claimed.accountId, livemode: claimed.livemode, email: claimed.customerEmail!, reason: 'inactive_recipient', at: now });
      await renewals.releaseReminder(claimed.id, owner, null);
      return;
    }
    const reminder: ReminderSent = {
      stepIndex: plan.stepIndex,
      daysBefore: plan.daysBefore,
      at: now,
      messageId: result.kind === 'sent' ? result.messageId : null,
      recordedOnly: result.kind === 'recorded_test_mode',
      subject: email.subject,
      htmlBody: email.htmlBody,
      textBody: email.textBody,
    };
    const after: Renewal = { ...claimed, preDunning: { ...claimed.preDunning, forRenewalAt: renewsAt, sent: [...(claimed.preDunning.forRenewalAt?.getTime() === renewsAt.getTime() ? claimed.preDunning.sent : []), reminder] } };
    const next = planNextReminder(after, policy, now, zone, daytime);
    const saved = await renewals.recordReminder(claimed.id, owner, renewsAt, reminder, next.kind === 'send' ? next.at : null);
    if (!saved) logger.warn({ accountId: claimed.accountId, subscriptionId: claimed.subscriptionId }, 'reminder went out but its renewal changed meanwhile; not recorded');
  }

  return {
    async runDue(limit) {
      const now = clock.now();
      const claimed = await renewals.claimDueReminders(now, limit, owner, deps.leaseMs);
      for (const renewal of claimed) {
        try {
          await remind(renewal, now);
        } catch (error) {
          // Nothing was recorded: Postmark down passes within minutes; a refusal needs the merchant, so ask hourly.
          const retryable = !(error instanceof UpstreamError) || error.retryable;
          const retryAt = new Date(now.getTime() + (retryable ? RETRY_SEND_AFTER_MS : RETRY_REFUSED_SEND_AFTER_MS));
          logger.warn({ accountId: renewal.accountId, subscriptionId: renewal.subscriptionId, retryable, retryAt, err: error instanceof Error ? error.message : String(error) }, 'reminder not recorded; will try again');
          await renewals.releaseReminder(renewal.id, owner, retryAt);
        }
      }
      return claimed.length;
    },

    async planUpcoming() {
      const now = clock.now();
      let changed = 0;
      for (const tenancy of await renewals.listTenancies()) {
        const account = await accounts.find(tenancy.accountId, tenancy.livemode);
        let cursor: string | null = null;
        do {
          const page = await renewals.listRenewingBetween(tenancy, now, new Date(now.getTime() + PLAN_HORIZON_MS), cursor, PLAN_PAGE);
          for (const renewal of page.renewals) {
            // A held renewal is being sent right now; its holder plans the next one.
            if (renewal.preDunning.stoppedBecause || (renewal.preDunning.leaseUntil && renewal.preDunning.leaseUntil > now)) continue;
            const { policy, daytime, zone } = settingsOf(account, renewal);
            const plan = planNextReminder(renewal, policy, now, zone, daytime);
            const at = plan.kind === 'send' ? plan.at : null;
            const planned = renewal.preDunning.nextReminderAt;
            // The pass only adds, clears or postpones plans: a plan it would bring forward may be a one-a-day hold, which stands.
            if (at === null ? planned === null : planned !== null && at <= planned) continue;
            await renewals.planReminder(renewal.id, at);
            changed += 1;
          }
          cursor = page.nextCursor;
        } while (cursor);
      }
      return changed;
    },
  };
}
