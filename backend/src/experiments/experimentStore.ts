import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { emptyTally, type Arm, type ArmTally, type Experiment, type ExperimentStatus } from './experiment';

/**
 * The experiments collection. Every query names accountId and livemode.
 * `runningSlot` makes "one running experiment per kind per account and mode"
 * a unique index: account|mode|kind while running, the experiment's own id after.
 */

/** `appliedOutboxEntries`: the case outbox entries counted here whose removal from their case is not done yet (see addToTallyOnce). */
type ExperimentDocument = Omit<Experiment, 'id'> & { _id: string; runningSlot: string; appliedOutboxEntries?: string[] };

const tallyFields = { cases: Number, ended: Number, recovered: Number, recoveryDaysTotal: Number, emailsOpened: Number, emailsClicked: Number };
const experimentSchema = new Schema<ExperimentDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true, enum: ['email_sequence', 'retry_policy'] },
    status: { type: String, required: true, enum: ['running', 'stopped', 'finished'] },
    horizonCases: { type: Number, required: true },
    variant: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    stoppedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    tallies: { A: tallyFields, B: tallyFields },
    runningSlot: { type: String, required: true },
    appliedOutboxEntries: { type: [String], default: undefined },
  },
  { collection: 'experiments', versionKey: false, minimize: false },
);
experimentSchema.index({ runningSlot: 1 }, { unique: true });
experimentSchema.index({ accountId: 1, livemode: 1, createdAt: -1 });

const slotOf = (accountId: string, livemode: boolean, kind: string) => `${accountId}|${livemode ? 'live' : 'test'}|${kind}`;

export type NewExperiment = Omit<Experiment, 'id' | 'status' | 'stoppedAt' | 'finishedAt' | 'tallies'>;

export interface ExperimentStore {
  /** Null when the account already runs an experiment of that kind in that mode. */
  create(input: NewExperiment): Promise<Experiment | null>;
  list(accountId: string, livemode: boolean, limit: number): Promise<Experiment[]>;
  listRunning(accountId: string, livemode: boolean): Promise<Experiment[]>;
  findById(accountId: string, livemode: boolean, id: string): Promise<Experiment | null>;
  /**
   * Adds a case outbox entry's counts to one arm, once: the entry's id is
   * marked in the same conditional update, so a relay passing it again
   * (after a crash) adds nothing. Nothing either once the experiment has
   * finished: its result is fixed at the horizon. Null when nothing was added.
   */
  addToTallyOnce(accountId: string, livemode: boolean, id: string, arm: Arm, delta: Partial<ArmTally>, entryId: string): Promise<Experiment | null>;
  /** Drops the marks of entries gone from their cases: nothing can pass them again. */
  forgetApplied(accountId: string, livemode: boolean, id: string, entryIds: string[]): Promise<void>;
  /** Moves a running experiment to `status`; null when it was not running. */
  end(accountId: string, livemode: boolean, id: string, status: Exclude<ExperimentStatus, 'running'>, at: Date): Promise<Experiment | null>;
}

export function createExperimentStore(connection: Connection): ExperimentStore {
  const experiments: Model<ExperimentDocument> =
    (connection.models.Experiment as Model<ExperimentDocument> | undefined) ?? connection.model<ExperimentDocument>('Experiment', experimentSchema);

  return {
    async create(input) {
      const doc: ExperimentDocument = {
        ...input,
        _id: `exp_${randomBytes(12).toString('hex')}`,
        status: 'running',
        stoppedAt: null,
        finishedAt: null,
        tallies: { A: emptyTally(), B: emptyTally() },
        runningSlot: slotOf(input.accountId, input.livemode, input.kind),
      };
      try {
        return toExperiment((await experiments.create(doc)).toObject());
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return null;
        throw error;
      }
    },
    async list(accountId, livemode, limit) {
      return (await experiments.find({ accountId, livemode }).sort({ createdAt: -1 }).limit(limit).lean()).map((doc) => toExperiment(doc)!);
    },
    async listRunning(accountId, livemode) {
      return (await experiments.find({ accountId, livemode, status: 'running' }).lean()).map((doc) => toExperiment(doc)!);
    },
    async findById(accountId, livemode, id) {
      return toExperiment(await experiments.findOne({ _id: id, accountId, livemode }).lean());
    },
    async addToTallyOnce(accountId, livemode, id, arm, delta, entryId) {
      const inc = Object.fromEntries(Object.entries(delta).map(([counter, value]) => [`tallies.${arm}.${counter}`, value]));
      const filter = { _id: id, accountId, livemode, status: { $ne: 'finished' as const }, appliedOutboxEntries: { $ne: entryId } };
      return toExperiment(await experiments.findOneAndUpdate(filter, { $inc: inc, $push: { appliedOutboxEntries: entryId } }, { new: true }).lean());
    },
    async forgetApplied(accountId, livemode, id, entryIds) {
      await experiments.updateOne({ _id: id, accountId, livemode }, { $pullAll: { appliedOutboxEntries: entryIds } });
    },
    async end(accountId, livemode, id, status, at) {
      const set = { status, runningSlot: id, ...(status === 'finished' ? { finishedAt: at } : { stoppedAt: at }) };
      return toExperiment(await experiments.findOneAndUpdate({ _id: id, accountId, livemode, status: 'running' }, { $set: set }, { new: true }).lean());
    },
  };
}

function toExperiment(doc: ExperimentDocument | null): Experiment | null {
  if (!doc) return null;
  const { _id, runningSlot: _slot, appliedOutboxEntries: _applied, ...rest } = doc;
  // Counters a document has never been incremented on read as zero.
  return { ...rest, id: _id, tallies: { A: { ...emptyTally(), ...rest.tallies?.A }, B: { ...emptyTally(), ...rest.tallies?.B } } };
}
