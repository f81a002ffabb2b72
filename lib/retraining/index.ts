/** Drift-triggered retraining of a model: the trigger (rule, functions, queue) and the SageMaker pipeline. */
export { RetrainTrigger, RETRAINING_HANDLER, RETRAINING_SERVICE_NAME, type RetrainTriggerProps } from './retrain-trigger';
export { RetrainingPipeline, type RetrainingPipelineProps } from './retraining-pipeline';
export { modelPackageGroupName, retrainingFunctionName, retrainingPipelineName, retrainingPrefixes, sageMakerName } from './naming';
