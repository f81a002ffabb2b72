"""The retraining pipeline built with the SageMaker Python SDK (v2, sagemaker.workflow), for
test/retraining/pipeline-sdk.test.ts: reads the builder's spec (JSON) on stdin and prints the SDK's
pipeline definition. No AWS call is made: a PipelineSession with fixed credentials and a default
bucket only renders the definition.
"""
import json
import os
import sys
import warnings

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
warnings.filterwarnings("ignore")
import logging
import socket

logging.disable(logging.WARNING)

# No network: the SDK only renders the definition. Its telemetry (an HTTPS GET to an AWS host on
# estimator.fit and model.register) is opted out below, and any name lookup but loopback is refused
# here, so nothing can leave the machine whatever a later SDK version adds.
_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in ("localhost", "127.0.0.1", "::1"):
        raise OSError(f"sdk_pipeline.py makes no network calls (refused a lookup of {host})")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only

import boto3
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionEquals
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep
from sagemaker.lambda_helper import Lambda

spec = json.load(sys.stdin)
boto = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=spec["region"])
session = PipelineSession(
    boto_session=boto,
    default_bucket=spec["bucket"],
    sagemaker_config={"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}},
)

p = {
    "TriggerEventKey": ParameterString("TriggerEventKey", default_value="manual"),
    "TriggerDedupKey": ParameterString("TriggerDedupKey", default_value="manual"),
    "TriggerSignal": ParameterString("TriggerSignal", default_value="manual"),
    "WindowEnd": ParameterString("WindowEnd", default_value="latest"),
    "TrainingInstanceType": ParameterString("TrainingInstanceType", default_value=spec["instanceType"]),
    "TrainingInstanceCount": ParameterInteger("TrainingInstanceCount", default_value=spec["instanceCount"]),
    "FreshDays": ParameterInteger("FreshDays", default_value=spec["freshDays"]),
    "ModelApprovalStatus": ParameterString("ModelApprovalStatus", default_value="PendingManualApproval"),
    "CodeVersion": ParameterString("CodeVersion", default_value=spec["codeVersion"]),
}
run_prefix = lambda leaf: Join(on="/", values=["s3:/", spec["bucket"], "retraining", spec["modelId"], "runs", ExecutionVariables.PIPELINE_EXECUTION_ID, leaf])

pull_spec = spec["dataPull"]
if pull_spec["kind"] == "lambda":
    # Driftwatch's pull: a Lambda step whose output parameters the later steps read.
    pull_outputs = {"datasetVersion": "String", "manifestUri": "String", "trainUri": "String", "holdoutUri": "String", "historyUri": "String", "historyManifestUri": "String", "trainRows": "Integer", "holdoutRows": "Integer", "historyFiles": "Integer"}
    pull = LambdaStep(
        name="PullData",
        lambda_func=Lambda(function_arn=pull_spec["functionArn"], session=session),
        inputs={"modelId": spec["modelId"], "windowEnd": p["WindowEnd"], "freshDays": p["FreshDays"], "executionId": ExecutionVariables.PIPELINE_EXECUTION_ID},
        outputs=[LambdaOutput(output_name=n, output_type=LambdaOutputTypeEnum[t]) for n, t in pull_outputs.items()],
    )
    train_inputs = {"train": TrainingInput(s3_data=pull.properties.Outputs["trainUri"]), "history": TrainingInput(s3_data=pull.properties.Outputs["historyManifestUri"], s3_data_type="ManifestFile")}
    holdout_source = pull.properties.Outputs["holdoutUri"]
    dataset_version = pull.properties.Outputs["datasetVersion"]
else:
    # The team's own pull container: a Processing step with a manifest property file.
    pull_processor = Processor(
        role=spec["roleArn"], image_uri=pull_spec["image"], instance_count=1, instance_type=spec["processingInstanceType"],
        entrypoint=pull_spec["command"], sagemaker_session=session,
        env={"DW_MODEL_ID": spec["modelId"], "DW_WINDOW_END": p["WindowEnd"], "DW_FRESH_DAYS": p["FreshDays"].to_string(), "DW_DATABASE": spec["database"], "DW_WORKGROUP": spec["workGroup"]},
    )
    manifest = PropertyFile(name="Manifest", output_name="manifest", path="manifest.json")
    pull = ProcessingStep(
        name="PullData",
        step_args=pull_processor.run(
            inputs=[ProcessingInput(source=spec["trainingDataUri"], destination="/opt/ml/processing/input/history", input_name="history")],
            outputs=[
                ProcessingOutput(output_name="train", source="/opt/ml/processing/output/train", destination=run_prefix("data/train")),
                ProcessingOutput(output_name="holdout", source="/opt/ml/processing/output/holdout", destination=run_prefix("data/holdout")),
                ProcessingOutput(output_name="manifest", source="/opt/ml/processing/output/manifest", destination=run_prefix("data/manifest")),
            ],
        ),
        property_files=[manifest],
    )
    train_inputs = {"train": TrainingInput(s3_data=pull.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)}
    holdout_source = pull.properties.ProcessingOutputConfig.Outputs["holdout"].S3Output.S3Uri
    dataset_version = JsonGet(step_name=pull.name, property_file=manifest, json_path="datasetVersion")

estimator = Estimator(
    image_uri=spec["trainingImage"], role=spec["roleArn"], instance_count=p["TrainingInstanceCount"], instance_type=p["TrainingInstanceType"],
    volume_size=spec["volumeSizeGb"], max_run=spec["maxRuntimeSeconds"], output_path=run_prefix("model"),
    hyperparameters=spec["hyperparameters"], sagemaker_session=session, disable_profiler=True,
)
train = TrainingStep(name="Train", step_args=estimator.fit(inputs=train_inputs))

eval_processor = Processor(
    role=spec["roleArn"], image_uri=spec["evaluationImage"], instance_count=1, instance_type=spec["processingInstanceType"],
    entrypoint=spec["evaluationCommand"], sagemaker_session=session, env={"DW_MODEL_ID": spec["modelId"]},
)
evaluation = PropertyFile(name="Evaluation", output_name="evaluation", path="evaluation.json")
evaluate = ProcessingStep(
    name="Evaluate",
    step_args=eval_processor.run(
        inputs=[
            ProcessingInput(source=train.properties.ModelArtifacts.S3ModelArtifacts, destination="/opt/ml/processing/model", input_name="model"),
            ProcessingInput(source=holdout_source, destination="/opt/ml/processing/holdout", input_name="holdout"),
        ],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation", destination=run_prefix("evaluation"))],
    ),
    property_files=[evaluation],
)

outputs = [LambdaOutput(output_name=n, output_type=LambdaOutputTypeEnum.String) for n in ["verdict", "failed", "summary", "champion", "gateReportUri"]]
gates = LambdaStep(
    name="CheckGates",
    lambda_func=Lambda(function_arn=spec["gateFunctionArn"], session=session),
    inputs={"evaluationUri": evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "executionId": ExecutionVariables.PIPELINE_EXECUTION_ID},
    outputs=outputs,
)

model = Model(image_uri=spec["inferenceImage"], model_data=train.properties.ModelArtifacts.S3ModelArtifacts, role=spec["roleArn"], sagemaker_session=session)
register = ModelStep(
    name="Register",
    step_args=model.register(
        content_types=spec["contentTypes"], response_types=spec["responseTypes"],
        inference_instances=spec["inferenceInstanceTypes"], transform_instances=spec["transformInstanceTypes"],
        model_package_group_name=spec["modelPackageGroupName"], approval_status=p["ModelApprovalStatus"],
        model_metrics=ModelMetrics(model_statistics=MetricsSource(content_type="application/json", s3_uri=Join(on="/", values=[evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "model-quality.json"]))),
        customer_metadata_properties={
            "dataset_version": dataset_version,
            "code_version": p["CodeVersion"],
            "training_image": spec["trainingImage"],
            "trigger_event": p["TriggerEventKey"],
            "trigger_signal": p["TriggerSignal"],
            "pipeline_execution": ExecutionVariables.PIPELINE_EXECUTION_ARN,
            "champion": gates.properties.Outputs["champion"],
        },
    ),
)
fail = FailStep(name="GatesFailed", error_message=Join(on=" ", values=["Candidate not registered:", gates.properties.Outputs["failed"]]))
condition = ConditionStep(name="GatesPassed", conditions=[ConditionEquals(left=gates.properties.Outputs["verdict"], right="pass")], if_steps=[register], else_steps=[fail])

pipeline = Pipeline(name=spec.get("pipelineName", "retrain"), parameters=list(p.values()), steps=[pull, train, evaluate, gates, condition], sagemaker_session=session)
print(pipeline.definition())
