import { bucketOf, isHardDecline, MODEL, payHabitsOf, type Brand, type DeclineBucketName, type PayFrequency, type Place } from './behaviourModel';
import { fundsArrivals, type PayCycle } from './payCycles';
import { pickWeighted, unitOf } from './random';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One failed renewal and everything the model decides about its customer up front. */
export interface SimulatedCase {
  index: number;
  failedAt: number;
  amountMinor: number;
  currency: 'usd';
  declineCode: string;
  bucket: DeclineBucketName;
  brand: Brand;
  place: Place;
  payCycle: PayCycle;
  /** Insufficient funds: when money lands and until when it covers the charge. */
  fundedSpells: Array<{ from: number; until: number }>;
  /** Soft and ambiguous: whether this card can ever be approved again. */
  isRecoverable: boolean;
  /** When the customer saves a new card on their own or after an email; null: never inside the invoice's life. */
  cardUpdateAt: number | null;
  isNewCardApproved: boolean;
}

/**
 * The seeded population: `customers` renewals failing over the model's
 * renewal spread (a month) from `start`. Every draw is addressed by (seed, customer, name), so the same
 * seed gives the same population, and a policy cannot change what customers do.
 */
export function generatePopulation(options: { customers: number; seed: number; start: Date }): SimulatedCase[] {
  const cases: SimulatedCase[] = [];
  for (let index = 0; index < options.customers; index += 1) cases.push(generateCase(index, options.seed, options.start.getTime()));
  return cases;
}

function generateCase(index: number, seed: number, startMs: number): SimulatedCase {
  const draw = (...keys: Array<string | number>) => unitOf(seed, index, ...keys);
  const [fromHour, toHour] = MODEL.renewalHourUtc.value;
  const day = Math.floor(draw('failed_day') * MODEL.renewalSpreadDays.value);
  const failedAt = startMs + day * DAY_MS + Math.floor(((fromHour + draw('failed_at') * (toHour - fromHour)) * HOUR_MS) / 60_000) * 60_000;
  const declineCode = pickWeighted(MODEL.declineMix.value.map((entry) => [entry.declineCode, entry.share] as const), draw('decline'));
  const bucket = bucketOf(declineCode);
  const place = pickWeighted(MODEL.places.value.map((entry) => [entry, entry.share] as const), draw('place'));
  const habits = payHabitsOf(place.country);
  const frequency = pickWeighted(Object.entries(habits.frequencies) as Array<[PayFrequency, number]>, draw('pay_frequency'));
  const payCycle: PayCycle = { frequency, habits, biweeklyPhase: draw('biweekly_phase') < 0.5 ? 0 : 1 };
  const brands = MODEL.cardBrands.value[place.country] ?? MODEL.cardBrands.value.OTHER!;
  const brand = pickWeighted(Object.entries(brands) as Array<[Brand, number]>, draw('brand'));
  const prices = MODEL.pricesMinor.value;
  const invoiceEndsAt = failedAt + MODEL.invoiceLifeDays.value * DAY_MS;
  const recoverable = bucket === 'soft' || bucket === 'ambiguous' ? draw('recoverable') < MODEL.recoverableShare.value[bucket] : false;
  return {
    index,
    failedAt,
    amountMinor: prices[Math.floor(draw('price') * prices.length)]!,
    currency: 'usd',
    declineCode,
    bucket,
    brand,
    place,
    payCycle,
    fundedSpells: bucket === 'insufficient_funds' ? fundedSpellsOf(payCycle, failedAt, invoiceEndsAt, place.timeZone, draw) : [],
    isRecoverable: recoverable,
    cardUpdateAt: cardUpdateTime(failedAt, invoiceEndsAt, isHardDecline(declineCode), draw),
    isNewCardApproved: draw('new_card') < MODEL.newCardApproval.value,
  };
}

/** Each payday covers the charge with the model's chance, for an exponentially distributed number of days. */
function fundedSpellsOf(cycle: PayCycle, failedAt: number, until: number, zone: string, draw: (...keys: Array<string | number>) => number) {
  return fundsArrivals(cycle, failedAt, until, zone)
    .filter((at) => draw('payday_covers', at) < MODEL.insufficientFundsPaydayCoverShare.value)
    .map((at) => ({ from: at, until: at + -Math.log(1 - draw('funded_days', at)) * MODEL.insufficientFundsMeanDaysFunded.value * DAY_MS }));
}

/** The first of: a card update on the customer's own (a daily rate) or one prompted by an email. */
function cardUpdateTime(failedAt: number, until: number, cardMustChange: boolean, draw: (...keys: Array<string | number>) => number): number | null {
  const own = failedAt + (-Math.log(1 - draw('own_update')) / MODEL.ownCardUpdatePerDay.value) * DAY_MS;
  const perEmail = cardMustChange ? MODEL.cardUpdatePerEmail.value.cardMustChange : MODEL.cardUpdatePerEmail.value.other;
  const [minDelay, maxDelay] = MODEL.cardUpdateDelayHours.value;
  let first = own;
  for (const [step, day] of MODEL.emailDays.value.entries()) {
    if (draw('email_acted', step) >= perEmail) continue;
    const at = failedAt + day * DAY_MS + (minDelay + draw('email_delay', step) * (maxDelay - minDelay)) * HOUR_MS;
    first = Math.min(first, at);
  }
  return first < until ? Math.round(first) : null;
}
