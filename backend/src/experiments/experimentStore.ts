import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { emptyTally, type Arm, type ArmTally, type Experiment, type ExperimentStatus } from './experiment';

/**
 * The experiments collection. Every query names accountId and livemode.
 * `runningSlot` makes "one running experiment per kind per account and mode"
 * a unique index: account|mode|kind while running, the experiment's own id after.
 */

type ExperimentDocument = Omit<Experiment, 'id'> & { _id: string; runningSlot: string };

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
  /** Adds to one arm's counts, unless the experiment has finished: its result is fixed at the horizon. */
  addToTally(accountId: string, livemode: boolean, id: string, arm: Arm, delta: Partial<ArmTally>): Promise<Experiment | null>;
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
    async addToTally(accountId, livemode, id, arm, delta) {
      const inc = Object.fromEntries(Object.entries(delta).map(([counter, value]) => [`tallies.${arm}.${counter}`, value]));
      return toExperiment(await experiments.findOneAndUpdate({ _id: id, accountId, livemode, status: { $ne: 'finished' } }, { $inc: inc }, { new: true }).lean());
    },
    async end(accountId, livemode, id, status, at) {
      const set = { status, runningSlot: id, ...(status === 'finished' ? { finishedAt: at } : { stoppedAt: at }) };
      return toExperiment(await experiments.findOneAndUpdate({ _id: id, accountId, livemode, status: 'running' }, { $set: set }, { new: true }).lean());
    },
  };
}

function toExperiment(doc: ExperimentDocument | null): Experiment | null {
  if (!doc) return null;
  const { _id, runningSlot: _slot, ...rest } = doc;
  // Counters a document has never been incremented on read as zero.
  return { ...rest, id: _id, tallies: { A: { ...emptyTally(), ...rest.tallies?.A }, B: { ...emptyTally(), ...rest.tallies?.B } } };
}
