# Python Optuna's S3 round trip, the baseline: Boto3ArtifactStore with its defaults.
import json, sys, time
import boto3
from botocore.config import Config
import optuna
from optuna.artifacts import Boto3ArtifactStore, download_artifact, upload_artifact

optuna.logging.set_verbosity(optuna.logging.WARNING)
endpoint, bucket, access, secret, source, target = sys.argv[1:7]
client = boto3.client(
    "s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                  response_checksum_validation="when_required"),
)
store = Boto3ArtifactStore(bucket, client=client)
study = optuna.create_study()
start = time.perf_counter()
artifact_id = upload_artifact(artifact_store=store, file_path=source, study_or_trial=study)
upload = time.perf_counter() - start
start = time.perf_counter()
download_artifact(artifact_store=store, artifact_id=artifact_id, file_path=target)
download = time.perf_counter() - start
store.remove(artifact_id)
print(json.dumps({"upload": upload, "download": download}))
