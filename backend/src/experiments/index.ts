export { armFor, enrollmentsFor, emptyTally, ARMS, MIN_HORIZON_CASES, type Arm, type ArmTally, type Experiment, type ExperimentKind, type ExperimentStatus, type ExperimentVariant } from './experiment';
export { experimentTallyChanges, type TallyChange } from './experimentTally';
export { experimentResult, isAtHorizon, statusOf, armView, suggestHorizonCases, SIGNIFICANCE, type ArmView, type ExperimentResult } from './experimentResult';
export { checkVariant, armRetryPolicy, armDunningPolicy, enrollmentOf, type VariantInput, type VariantCheck } from './experimentVariant';
export { createExperimentStore, type ExperimentStore, type NewExperiment } from './experimentStore';
export { createExperimentService, type ExperimentService, type ExperimentInput, type CreateOutcome, type PromoteOutcome } from './experimentService';
