/** The retraining pipeline: the typed builder of SageMaker pipeline definitions and the model's pipeline. */
export * from './values';
export * from './builder';
export * from './parameters';
export * from './retraining-pipeline';
export * from './pull-step';
