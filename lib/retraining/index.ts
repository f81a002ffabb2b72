/** Drift-triggered retraining of a model: the trigger (rule, functions, queue), the SageMaker pipeline and its outcome. */
export { RetrainTrigger, RETRAINING_HANDLER, RETRAINING_SERVICE_NAME, type RetrainTriggerProps } from './retrain-trigger';
export { RetrainingPipeline, type RetrainingPipelineProps } from './retraining-pipeline';
export { PipelineOutcome, PIPELINE_OUTCOME_HANDLER, type PipelineOutcomeProps } from './pipeline-outcome';
export { modelPackageGroupName, retrainingFunctionName, retrainingPipelineName, retrainingPrefixes, sageMakerName } from './naming';
export { MlflowServer, grantMlflowTracking, mlflowServerArn, mlflowServerName, MLFLOW_ARTIFACTS_PREFIX, MLFLOW_TRACKING_ACTIONS, type MlflowServerProps, type MlflowServerSize } from './mlflow-server';
export { DataPull, DATA_PULL_HANDLER, LAMBDA_STEP_TIMEOUT, type DataPullProps } from './data-pull';
