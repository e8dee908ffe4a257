# Python Optuna's S3 round trip, the baseline: Boto3ArtifactStore with its defaults.
import json, sys
import boto3
from botocore.config import Config
import optuna
from optuna.artifacts import Boto3ArtifactStore
from _optuna_round_trip import timed_round_trip

optuna.logging.set_verbosity(optuna.logging.WARNING)
endpoint, bucket, access, secret, source, target = sys.argv[1:7]
client = boto3.client(
    "s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                  response_checksum_validation="when_required"),
)
store = Boto3ArtifactStore(bucket, client=client)
times = timed_round_trip(store, optuna.create_study(), source, target)
store.remove(times["artifactId"])
print(json.dumps(times))
