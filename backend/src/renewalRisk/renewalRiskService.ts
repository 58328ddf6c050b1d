import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account, AccountStore } from '../accounts/accountStore';
import type { Clock } from '../clock';
import type { OutboundEvent, OutboundEventSink } from '../outbound/outboundEvent';
import type { CaseStore } from '../recovery/caseStore';
import type { Renewal, RenewalRisk } from '../renewals/renewal';
import { RENEWING_STATUSES } from '../renewals/renewalPaging';
import type { RenewalStore, Tenancy } from '../renewals/renewalStore';
import { renewalRiskSettingsOf } from '../settings/renewalRiskSettings';
import { fitAccountModel, MAX_OUTCOMES_FOR_FIT, MIN_OUTCOMES_FOR_MODEL, scoreByAccountModel, type AccountModel } from './accountModel';
import { failuresFromCases } from './customerHistory';
import type { RenewalOutcomeStore } from './renewalOutcomeStore';
import { deriveRiskFeatures } from './riskFeatures';
import { scoreByRules } from './riskRules';

/** Renewals scored ahead: those due in the next 30 days. */
export const RISK_HORIZON_DAYS = 30;
const SCORE_PAGE = 200;
/** The customer's cases read for their history: the newest, more than a year of monthly failures. */
const HISTORY_CASES = 50;

/** The merchant's alert threshold (settings renewalRisk.alertThreshold, 1..100, default 70). */
export function alertThresholdOf(account: Account | null): number {
  return renewalRiskSettingsOf(account).alertThreshold;
}

/** The event id of a renewal period's alert: the same renewal and billing date always give the same id. */
export function riskAlertEventId(renewal: Pick<Renewal, 'id'>, renewsAt: Date): string {
  return `evt_risk_${createHash('sha256').update(`${renewal.id}|${renewsAt.toISOString()}`).digest('hex').slice(0, 24)}`;
}

export interface RenewalRiskService {
  /** Scores every renewal due in the next 30 days, of every account and mode, saves the scores and sends alerts; returns how many were scored. */
  scoreUpcoming(): Promise<number>;
  /** Scores one account's renewals now (fresh) and saves them: one subscription, or every renewing subscription of a customer. */
  scoreNow(tenancy: Tenancy, by: { customerId: string } | { subscriptionId: string }): Promise<Renewal[]>;
  /** The account's model, or null while it has fewer than 500 renewals with known outcomes. */
  modelFor(tenancy: Tenancy): Promise<AccountModel | null>;
}

export function createRenewalRiskService(deps: {
  renewals: RenewalStore;
  cases: CaseStore;
  outcomes: RenewalOutcomeStore;
  accounts: AccountStore;
  events: OutboundEventSink;
  /** The renewal as merchants see it (api/riskView.ts): the alert's data.object. */
  describeRenewal: (renewal: Renewal) => Record<string, unknown>;
  clock: Clock;
  logger: Logger;
}): RenewalRiskService {
  async function modelFor(tenancy: Tenancy): Promise<AccountModel | null> {
    if ((await deps.outcomes.countKnown(tenancy)) < MIN_OUTCOMES_FOR_MODEL) return null;
    const known = await deps.outcomes.listKnown(tenancy, MAX_OUTCOMES_FOR_FIT);
    return fitAccountModel(known.map((record) => ({ features: record.features, failed: record.outcome === 'failed' })));
  }

  async function score(renewal: Renewal, model: AccountModel | null, now: Date): Promise<RenewalRisk> {
    const cases = renewal.customerId ? await deps.cases.listByCustomer(renewal.accountId, renewal.livemode, renewal.customerId, HISTORY_CASES) : [];
    // Disputes come from the renewal itself (counted from charge.dispute.created).
    const features = deriveRiskFeatures(renewal, { failures: failuresFromCases(cases), disputes: null }, now);
    const risk = model ? scoreByAccountModel(model, features, renewal, now) : scoreByRules(features, renewal, now);
    await deps.renewals.saveRisk(renewal.id, risk);
    if (renewal.renewsAt) {
      await deps.outcomes.noteFeatures(renewal, { subscriptionId: renewal.subscriptionId, customerId: renewal.customerId, renewsAt: renewal.renewsAt, features, at: now });
    }
    return risk;
  }

  /**
   * Sends customer.renewal_at_risk once per renewal period when the score
   * reaches the threshold. The event goes out first under an id fixed by the
   * renewal and its billing date, then the renewal is marked: a crash between
   * the two publishes the same id again next time, which the publisher stores
   * and delivers once.
   */
  async function alertIfReached(renewal: Renewal, risk: RenewalRisk, threshold: number): Promise<void> {
    const renewsAt = renewal.renewsAt;
    if (!renewsAt || risk.score < threshold) return;
    if (renewal.riskAlertedFor && renewal.riskAlertedFor.getTime() === renewsAt.getTime()) return;
    const event: OutboundEvent = {
      id: riskAlertEventId(renewal, renewsAt),
      object: 'event',
      type: 'customer.renewal_at_risk',
      created: Math.floor(risk.scoredAt.getTime() / 1000),
      livemode: renewal.livemode,
      account: renewal.accountId,
      sequence: null,
      data: { object: deps.describeRenewal({ ...renewal, risk }) },
    };
    await deps.events.publish([event]);
    await deps.renewals.markRiskAlerted(renewal.id, renewsAt);
  }

  return {
    modelFor,
    async scoreUpcoming() {
      let scored = 0;
      for (const tenancy of await deps.renewals.listTenancies()) {
        const now = deps.clock.now();
        const until = new Date(now.getTime() + RISK_HORIZON_DAYS * 86_400_000);
        const [model, account] = await Promise.all([modelFor(tenancy), deps.accounts.find(tenancy.accountId, tenancy.livemode)]);
        const threshold = alertThresholdOf(account);
        let cursor: string | null = null;
        do {
          const page = await deps.renewals.listRenewingBetween(tenancy, now, until, cursor, SCORE_PAGE);
          for (const renewal of page.renewals) {
            const risk = await score(renewal, model, now);
            await alertIfReached(renewal, risk, threshold);
            scored += 1;
          }
          cursor = page.nextCursor;
        } while (cursor);
      }
      deps.logger.debug({ scored }, 'renewals scored');
      return scored;
    },
    async scoreNow(tenancy, by) {
      const found = 'subscriptionId' in by ? [await deps.renewals.get(tenancy, by.subscriptionId)].filter((renewal): renewal is Renewal => renewal !== null) : await deps.renewals.findByCustomer(tenancy, by.customerId);
      const renewing = found.filter((renewal) => (RENEWING_STATUSES as readonly string[]).includes(renewal.status) && renewal.renewsAt !== null);
      if (renewing.length === 0) return [];
      const now = deps.clock.now();
      const [model, account] = await Promise.all([modelFor(tenancy), deps.accounts.find(tenancy.accountId, tenancy.livemode)]);
      const scored: Renewal[] = [];
      for (const renewal of renewing) {
        const risk = await score(renewal, model, now);
        await alertIfReached(renewal, risk, alertThresholdOf(account));
        scored.push({ ...renewal, risk });
      }
      return scored;
    },
  };
}
