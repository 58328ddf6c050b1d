/** Types for ml-logistic-regression 2.0 (it ships none): only what accountModel.ts uses. */
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  interface TwoClassClassifier {
    /** 1 × columns: one weight per column of the training matrix. */
    weights: Matrix;
    testScores(features: Matrix): number[];
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    /** One-versus-all: classifiers[k] scores "not class k". */
    classifiers: TwoClassClassifier[];
    numberClasses: number;
    train(features: Matrix, classes: Matrix): void;
    predict(features: Matrix): number[];
  }
}
