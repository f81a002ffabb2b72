/** The `driftwatch demo`: a logistic regression trained on the bank-marketing reference rows, then a backtest. */
export * from './bank';
export { fitLogistic, sigmoid, type Design, type LogisticFit, type LogisticFitOptions } from './logistic';
export {
  DEMO_MODEL_FORMAT,
  binaryLabels,
  featureImportances,
  maxF1Threshold,
  predictLabels,
  rocAuc,
  scoreDataset,
  trainDemoModel,
  type DemoModel,
  type ModelTerm,
  type TrainOptions,
} from './model';
