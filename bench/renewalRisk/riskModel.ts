import type { Parameter } from '../recovery/behaviourModel';

/**
 * Every parameter of the renewal-risk population, each with where it comes
 * from: a source, or "assumption" (our estimate). The customers themselves
 * (place, card brand, price, the decline of an earlier failure) come from the
 * recovery simulator's behaviour model, through its generator.
 *
 * `hidden*` parameters decide the outcomes. They are deliberately NOT the
 * scorer's formula: they act through a latent "money trouble" trait the
 * scorer never sees, with interactions (an expiring card fails only when the
 * networks' account updater did not replace it; a debit card matters only for
 * customers short of money) and noise. They were set once from the stated
 * assumptions, before the scorer was evaluated, and must not be tuned to make
 * it look good. test/bench/renewalRiskRanking.test.ts holds that every entry has a source.
 */
export const RISK_MODEL = {
  /** Share of cards whose expiry falls before the next monthly renewal. */
  expiringShare: { value: 0.03, source: 'assumption: cards are issued for 3 to 5 years, so about 1 in 36–60 expire in a given month, more among long-lived subscriptions' },
  /** Of expiring cards, the share the networks' account updater renews before the charge. */
  accountUpdaterShare: {
    value: { visa: 0.6, mastercard: 0.6, amex: 0.4, discover: 0.4, jcb: 0.2 } as Record<string, number>,
    source: 'assumption: Visa Account Updater and Mastercard ABU cover most but not all issuers; other networks less',
  },
  funding: { value: { credit: 0.55, debit: 0.4, prepaid: 0.05 }, source: 'assumption: consumer subscriptions, debit close to credit by count, prepaid a small minority' },
  /** The latent trait: standard normal "money trouble"; it raises the chance of every renewal failing, earlier ones included, and of disputes. */
  troubleSpread: { value: 1, source: 'assumption' },
  /** Months the customer has been subscribed before this renewal (uniform); each earlier monthly renewal is drawn from the same hidden model as the outcome. */
  tenureMonths: { value: [1, 24] as [number, number], source: 'assumption' },
  /** Of the customer's earlier failed renewals, the share that were insufficient funds; the rest take a code from the decline mix of the recovery model. */
  earlierInsufficientFundsShare: { value: 0.4, source: 'shared/REFERENCE.md §1: insufficient funds is 40.6 % of declines (Stripe × Churnkey 2024)' },
  /** Share of renewals that are the subscription's first (never paid before). */
  firstRenewalShare: { value: 0.06, source: 'assumption' },
  /** Of earlier failed renewals, the share recovered later in their period (so the period still counts as paid). */
  earlierRecoveredShare: { value: 0.5, source: 'assumption (recovery rates of 40–60 % are commonly reported for retries plus dunning)' },
  /** Renewals that charge more than last time (an upgrade or a price rise), and by how much. */
  priceIncreaseShare: { value: 0.08, source: 'assumption' },
  priceIncreaseRange: { value: [0.1, 1.5] as [number, number], source: 'assumption' },
  /** Chance of at least one earlier dispute at trait 0, × exp(trait). */
  disputeChance: { value: 0.015, source: 'assumption' },
  /** Share of cards issued abroad (not in the customer's country). */
  crossBorderShare: { value: 0.05, source: 'assumption' },
  hiddenBaseLogit: { value: -3.4, source: 'assumption: about 5–10 % of recurring renewals fail (industry reports on involuntary churn put failed recurring charges in that range)' },
  hiddenTrouble: { value: 1.0, source: 'assumption' },
  hiddenExpiredNotUpdated: { value: 4.0, source: 'assumption: a charge on an expired card is declined almost surely' },
  hiddenPrepaid: { value: 1.2, source: 'assumption' },
  /** Debit raises risk only for customers in money trouble (trait > 0.5). */
  hiddenDebitWhenTroubled: { value: 0.8, source: 'assumption' },
  /** Hard earlier failures (the card was refused for good) say the card may be refused again. */
  hiddenPerHardFailure: { value: 0.7, source: 'assumption' },
  hiddenDisputes: { value: 0.9, source: 'assumption' },
  /** India-issued cards: off-session renewals need an e-mandate. */
  hiddenIndianCard: { value: 1.6, source: 'Stripe docs, "India recurring payments": off-session payments need a registered e-mandate (the size is an assumption)' },
  hiddenCrossBorder: { value: 0.4, source: 'assumption' },
  /** A price rise weighs by its size, more for troubled customers: × (1 + max(trait, 0)). */
  hiddenPriceIncrease: { value: 0.5, source: 'assumption' },
  /** What no feature explains: normal noise on the logit. */
  hiddenNoise: { value: 0.6, source: 'assumption' },
} satisfies Record<string, Parameter<unknown>>;
