import { failureKindOf } from '../../backend/src/renewalRisk/customerHistory';
import type { CustomerHistory, EarlierFailure } from '../../backend/src/renewalRisk/riskFeatures';
import { renewalIdOf, type CardFunding, type Renewal } from '../../backend/src/renewals/renewal';
import { declineAt } from '../../devservices/declineMix';
import { generatePopulation } from '../recovery/population';
import { pickWeighted, unitOf } from '../recovery/random';
import { RISK_MODEL as M } from './riskModel';

/**
 * A seeded population of upcoming renewals with known outcomes. Who the
 * customers are (country, card brand, price) comes from the demo's generator
 * (bench/recovery/population.ts); this adds what renewal risk looks at (card
 * expiry, funding, card country, earlier failures, disputes, the last payment,
 * price changes) and draws each outcome from the hidden model in riskModel.ts.
 */

const DAY_MS = 86_400_000;
export const ACCOUNT = 'acct_bench_risk';

export interface SimulatedRenewal {
  renewal: Renewal;
  history: CustomerHistory;
  failed: boolean;
}

export function generateRenewals(options: { customers: number; seed: number; start: Date }): SimulatedRenewal[] {
  const people = generatePopulation({ customers: options.customers, seed: options.seed, start: options.start });
  return people.map((person) => {
    const draw = (...keys: Array<string | number>) => unitOf(options.seed, person.index, 'risk', ...keys);
    const normal = (key: string) => Math.sqrt(-2 * Math.log(1 - draw(key, 'a'))) * Math.cos(2 * Math.PI * draw(key, 'b'));
    const renewsAt = new Date(options.start.getTime() + Math.floor(draw('renews_in') * 30 * DAY_MS));
    const trouble = normal('trouble') * M.troubleSpread.value;

    const isExpiring = draw('expiring') < M.expiringShare.value;
    const expiry = isExpiring ? monthBefore(renewsAt) : monthsAfter(renewsAt, 1 + Math.floor(draw('expiry') * 48));
    const funding = pickWeighted(Object.entries(M.funding.value) as Array<[CardFunding, number]>, draw('funding'));
    const isCrossBorder = draw('cross_border') < M.crossBorderShare.value;
    const cardCountry = isCrossBorder ? (person.place.country === 'GB' ? 'US' : 'GB') : person.place.country;

    const disputes = draw('disputes') < M.disputeChance.value * Math.exp(trouble) ? 1 + Math.floor(draw('dispute_count') * 2) : 0;
    // What makes any renewal of this customer fail, earlier ones included (the expiring card and a price rise are this renewal's own).
    const standing =
      M.hiddenBaseLogit.value +
      M.hiddenTrouble.value * trouble +
      (funding === 'prepaid' ? M.hiddenPrepaid.value : 0) +
      (funding === 'debit' && trouble > 0.5 ? M.hiddenDebitWhenTroubled.value : 0) +
      (disputes > 0 ? M.hiddenDisputes.value : 0) +
      (cardCountry === 'IN' ? M.hiddenIndianCard.value : 0) +
      (isCrossBorder ? M.hiddenCrossBorder.value : 0);
    const [minTenure, maxTenure] = M.tenureMonths.value;
    const tenure = draw('first_renewal') < M.firstRenewalShare.value ? 0 : minTenure + Math.floor(draw('tenure') * (maxTenure - minTenure + 1));
    const { failures, lastPaidAt } = earlierRenewals(renewsAt, tenure, standing, draw, normal);
    const [low, high] = M.priceIncreaseRange.value;
    const increase = draw('price_increase') < M.priceIncreaseShare.value ? low + draw('increase_size') * (high - low) : 0;
    const amountMinor = Math.round(person.amountMinor * (1 + increase));

    const isUpdatedByNetwork = isExpiring && draw('account_updater') < (M.accountUpdaterShare.value[person.brand] ?? 0.3);
    const logit =
      standing +
      (isExpiring && !isUpdatedByNetwork ? M.hiddenExpiredNotUpdated.value : 0) +
      M.hiddenPerHardFailure.value * failures.filter((failure) => failure.kind === 'never_retry' || failure.kind === 'blocked_by_stripe' || failure.kind === 'customer_must_act').length +
      M.hiddenPriceIncrease.value * increase * (1 + Math.max(trouble, 0)) +
      M.hiddenNoise.value * normal('noise');
    const failed = draw('outcome') < 1 / (1 + Math.exp(-logit));

    const subscriptionId = `sub_bench_${options.seed}_${person.index}`;
    const renewal: Renewal = {
      id: renewalIdOf(ACCOUNT, true, subscriptionId),
      accountId: ACCOUNT,
      livemode: true,
      isAppInstall: false,
      subscriptionId,
      customerId: `cus_bench_${options.seed}_${person.index}`,
      customerEmail: null,
      customerName: null,
      customerCountry: person.place.country,
      status: 'active',
      cancelAtPeriodEnd: false,
      renewsAt,
      amountMinor,
      currency: person.currency,
      card: { paymentMethodId: `pm_bench_${person.index}`, fingerprint: null, brand: person.brand, last4: String(1000 + (person.index % 9000)), expMonth: expiry.month, expYear: expiry.year, funding, country: cardCountry },
      cardSource: 'customer',
      lastPaidAt,
      lastPaidAmountMinor: lastPaidAt ? person.amountMinor : null,
      preDunning: { forRenewalAt: null, sent: [], stoppedBecause: null, stoppedAt: null, nextReminderAt: null, leaseUntil: null, leaseOwner: null },
      risk: null,
      riskAlertedFor: null,
      lastReminderAt: null,
      customerDisputes: [],
      factAt: options.start,
      updatedAt: options.start,
    };
    return { renewal, history: { failures, disputes }, failed };
  });
}

/**
 * The customer's earlier monthly renewals, each failing by the same hidden
 * standing as this one (with noise of its own); a failure not recovered in its
 * period leaves the period unpaid. Only the last year's failures are kept.
 */
function earlierRenewals(
  renewsAt: Date,
  tenure: number,
  standing: number,
  draw: (...keys: Array<string | number>) => number,
  normal: (key: string) => number,
): { failures: EarlierFailure[]; lastPaidAt: Date | null } {
  const failures: EarlierFailure[] = [];
  let lastPaidAt: Date | null = null;
  for (let monthsBack = 1; monthsBack <= tenure; monthsBack += 1) {
    const at = new Date(renewsAt.getTime() - monthsBack * 30 * DAY_MS);
    const logit = standing + M.hiddenNoise.value * normal(`earlier_noise_${monthsBack}`);
    const didFail = draw('earlier_failed', monthsBack) < 1 / (1 + Math.exp(-logit));
    if (didFail && monthsBack <= 12) {
      const declineCode = draw('earlier_kind', monthsBack) < M.earlierInsufficientFundsShare.value ? 'insufficient_funds' : declineAt(draw('earlier_code', monthsBack));
      failures.push({ at, kind: failureKindOf({ declineCode }) });
    }
    const isPaid = !didFail || draw('earlier_recovered', monthsBack) < M.earlierRecoveredShare.value;
    if (isPaid && !lastPaidAt) lastPaidAt = at;
  }
  return { failures, lastPaidAt };
}

function monthBefore(at: Date): { month: number; year: number } {
  const month = at.getUTCMonth(); // 0-based: the month before, 1-based
  return month === 0 ? { month: 12, year: at.getUTCFullYear() - 1 } : { month, year: at.getUTCFullYear() };
}

function monthsAfter(at: Date, months: number): { month: number; year: number } {
  const index = at.getUTCFullYear() * 12 + at.getUTCMonth() + months;
  return { month: (index % 12) + 1, year: Math.floor(index / 12) };
}
