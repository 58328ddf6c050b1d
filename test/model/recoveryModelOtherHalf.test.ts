import { describeModel } from './modelSuite';

/**
 * The model-based test's other half (see recoveryModel.test.ts): the same
 * generated histories, of which this file plays the ones the first file
 * leaves, in a file of its own so that jest plays it on its other worker.
 */
describeModel({ index: 1, of: 2 });
