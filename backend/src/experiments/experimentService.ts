import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { DunningPolicy } from '../dunning';
import type { ExperimentTallyChange, NewRecoveryCase, RecoveryCase } from '../recovery';
import { readOncePerKey } from '../readOncePerKey';
import type { RetryPolicy } from '../retryPolicy';
import type { MerchantSettings, SettingsService } from '../settings';
import { enrollmentsFor, type Experiment, type ExperimentKind } from './experiment';
import { experimentResult, isAtHorizon } from './experimentResult';
import type { ExperimentStore } from './experimentStore';
import { armDunningPolicy, armRetryPolicy, checkVariant, enrollmentOf, type VariantInput } from './experimentVariant';

export interface ExperimentInput {
  name: string;
  kind: ExperimentKind;
  variant: VariantInput;
  horizonCases: number;
}

export type CreateOutcome = { kind: 'created'; experiment: Experiment } | { kind: 'invalid'; problems: string[] } | { kind: 'already_running' };
export type PromoteOutcome =
  | { kind: 'promoted'; experiment: Experiment; settings: MerchantSettings }
  | { kind: 'refused'; reason: string }
  | { kind: 'not_found' }
  | { kind: 'invalid'; problems: string[] };

/** One case outbox entry's experiment counts, with the case's account and mode. */
export interface PendingTally {
  id: string;
  accountId: string;
  livemode: boolean;
  changes: ExperimentTallyChange[];
}

export interface ExperimentService {
  create(accountId: string, livemode: boolean, input: ExperimentInput): Promise<CreateOutcome>;
  list(accountId: string, livemode: boolean): Promise<Experiment[]>;
  find(accountId: string, livemode: boolean, id: string): Promise<Experiment | null>;
  /** Ends enrollment; cases already in an arm keep it to their end. Null when there is no such experiment. */
  stop(accountId: string, livemode: boolean, id: string): Promise<Experiment | null>;
  /** Copies arm B into the account's settings: only once the result is final and B won. */
  promote(accountId: string, livemode: boolean, id: string): Promise<PromoteOutcome>;
  /** The recovery service's enrollment step: a case about to open takes its arms. */
  enroll(opening: NewRecoveryCase): Promise<NewRecoveryCase>;
  /**
   * The same step for a batch of events handled together: each account's running experiments are read once,
   * at its first opening, as a batch reads the account and its holdout once.
   */
  enrollmentForBatch(): (opening: NewRecoveryCase) => Promise<NewRecoveryCase>;
  /** Adds case outbox entries' counts to their experiments, each entry once (see experimentTallyChanges). */
  applyOnce(entries: PendingTally[]): Promise<void>;
  /** Drops the marks of entries removed from their cases. */
  forgetApplied(entries: PendingTally[]): Promise<void>;
  retryPolicyFor(current: RecoveryCase, accountPolicy: RetryPolicy): Promise<RetryPolicy>;
  dunningPolicyFor(current: RecoveryCase, accountPolicy: DunningPolicy): Promise<DunningPolicy>;
}

export function createExperimentService(deps: { experiments: ExperimentStore; settings: SettingsService; clock: Clock; logger: Logger }): ExperimentService {
  const { experiments, settings, clock, logger } = deps;

  /** The experiment a case is in for one kind, read in the case's own account and mode. */
  async function armOf(current: RecoveryCase, kind: ExperimentKind) {
    const enrollment = enrollmentOf(current.experiments, kind);
    if (!enrollment) return { experiment: null, arm: null };
    return { experiment: await experiments.findById(current.accountId, current.livemode, enrollment.id), arm: enrollment.arm };
  }

  /** A case about to open takes its arms in the experiments `running` reads (only a customer's case can be enrolled). */
  async function enrollIn(opening: NewRecoveryCase, running: () => Promise<Experiment[]>): Promise<NewRecoveryCase> {
    if (!opening.stripeCustomerId) return opening;
    const enrolled = enrollmentsFor(opening, await running());
    return enrolled.length > 0 ? { ...opening, experiments: enrolled } : opening;
  }

  return {
    async create(accountId, livemode, input) {
      const current = await settings.read(accountId, livemode);
      const checked = checkVariant(input.kind, input.variant, current.retryPolicy);
      if (!checked.ok) return { kind: 'invalid', problems: checked.problems };
      const created = await experiments.create({ accountId, livemode, name: input.name, kind: input.kind, horizonCases: input.horizonCases, variant: checked.variant, createdAt: clock.now() });
      return created ? { kind: 'created', experiment: created } : { kind: 'already_running' };
    },

    list: (accountId, livemode) => experiments.list(accountId, livemode, 100),
    find: (accountId, livemode, id) => experiments.findById(accountId, livemode, id),

    async stop(accountId, livemode, id) {
      const found = await experiments.findById(accountId, livemode, id);
      if (!found || found.status !== 'running') return found;
      // At its horizon the result is read, not thrown away: the experiment finishes rather than stops.
      const status = isAtHorizon(found.tallies, found.horizonCases) ? 'finished' : 'stopped';
      return (await experiments.end(accountId, livemode, id, status, clock.now())) ?? experiments.findById(accountId, livemode, id);
    },

    async promote(accountId, livemode, id) {
      const found = await experiments.findById(accountId, livemode, id);
      if (!found) return { kind: 'not_found' };
      const result = experimentResult(found);
      if (!result.final) return { kind: 'refused', reason: 'The experiment has not reached its horizon yet: there is no result to promote.' };
      if (result.winner === null) return { kind: 'refused', reason: 'No significant difference between the arms: nothing to promote, the current settings stay.' };
      if (result.winner === 'A') return { kind: 'refused', reason: 'The current settings (arm A) won: nothing to promote.' };
      const change = 'dunning' in found.variant ? { dunning: found.variant.dunning } : { retryPolicy: found.variant.retryPolicy };
      const saved = await settings.update(accountId, livemode, change, clock.now());
      if (!saved.ok) return { kind: 'invalid', problems: saved.problems };
      return { kind: 'promoted', experiment: found, settings: await settings.read(accountId, livemode) };
    },

    enroll: (opening) => enrollIn(opening, () => experiments.listRunning(opening.accountId, opening.livemode)),

    enrollmentForBatch() {
      const running = readOncePerKey<Experiment[]>();
      return (opening) => enrollIn(opening, () => running(`${opening.accountId}|${opening.livemode}`, () => experiments.listRunning(opening.accountId, opening.livemode)));
    },

    async applyOnce(entries) {
      for (const entry of entries) {
        for (const change of entry.changes) {
          const updated = await experiments.addToTallyOnce(entry.accountId, entry.livemode, change.experimentId, change.arm, change.delta, entry.id);
          if (updated?.status === 'running' && isAtHorizon(updated.tallies, updated.horizonCases)) {
            await experiments.end(entry.accountId, entry.livemode, updated.id, 'finished', clock.now());
            logger.info({ accountId: entry.accountId, experimentId: updated.id, outcome: 'experiment_finished' }, 'experiment reached its horizon');
          }
        }
      }
    },

    async forgetApplied(entries) {
      for (const entry of entries) {
        for (const change of entry.changes) await experiments.forgetApplied(entry.accountId, entry.livemode, change.experimentId, [entry.id]);
      }
    },

    async retryPolicyFor(current, accountPolicy) {
      const { experiment, arm } = await armOf(current, 'retry_policy');
      return armRetryPolicy(accountPolicy, experiment, arm);
    },

    async dunningPolicyFor(current, accountPolicy) {
      const { experiment, arm } = await armOf(current, 'email_sequence');
      return armDunningPolicy(accountPolicy, experiment, arm);
    },
  };
}
