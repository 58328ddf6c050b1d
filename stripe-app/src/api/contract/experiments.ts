/** A/B tests of the email sequence or the retry policy. */

import type { ShareDifference } from './dashboard';
import type { MerchantSettings } from './settings';

export interface ExperimentArm {
  arm: 'A' | 'B';
  label: string;
  cases: number;
  ended: number;
  recovered: number;
  recoveredShare: number | null;
  meanDaysToRecovery: number | null;
  emailsOpened: number | null;
  emailsClicked: number | null;
}

/** An A/B test with a horizon fixed up front: its result is final only once each arm has `horizonCases` ended cases. */
export interface Experiment {
  id: string;
  object: 'experiment';
  name: string;
  kind: 'email_sequence' | 'retry_policy';
  status: 'running' | 'stopped' | 'finished';
  horizonCases: number;
  createdAt: string;
  /** What arm B changes, as it was drafted. */
  variant: ExperimentDraft['variant'];
  arms: ExperimentArm[];
  result: { final: boolean; difference: ShareDifference | null; pValue: number | null; winner: 'A' | 'B' | null };
}

/** POST /api/experiments: the variant is tested against the current settings. */
export interface ExperimentDraft {
  name: string;
  kind: Experiment['kind'];
  variant: { dunning?: MerchantSettings['dunning']; retryPolicy?: Partial<MerchantSettings['retryPolicy']> };
  horizonCases: number;
}
