"""Reads a registered model, its versions and a run back with MLflow's own Python client, as a team's
notebook would: `python3 mlflow_readback.py <tracking uri> <registered model> <run id>` prints JSON."""
import json
import sys

from mlflow import MlflowClient

uri, name, run_id = sys.argv[1:4]
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
model = client.get_registered_model(name)
run = client.get_run(run_id)
versions = client.search_model_versions(f"name = '{name}'")
print(json.dumps({
    "aliases": dict(model.aliases),
    "champion": client.get_model_version_by_alias(name, "champion").version if "champion" in model.aliases else None,
    "versions": {v.version: {"run_id": v.run_id, "source": v.source, "tags": dict(v.tags)} for v in versions},
    "run": {
        "status": run.info.status,
        "experiment": client.get_experiment(run.info.experiment_id).name,
        "params": dict(run.data.params),
        "metrics": dict(run.data.metrics),
        "tags": {k: v for k, v in run.data.tags.items() if k.startswith("driftwatch.")},
    },
}, sort_keys=True))
