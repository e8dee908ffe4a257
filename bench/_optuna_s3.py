# Python Optuna's S3 round trip, the baseline: Boto3ArtifactStore with its defaults. Phases:
# "round-trip SOURCE TARGET" uploads and downloads in one process (the client and its
# connection warm for the download); "upload SOURCE" prints {upload, artifactId} and
# "download ARTIFACT_ID TARGET" prints {download} and removes the object, each in a process of
# its own, as optuna-deno's _s3_worker.ts runs them.
import json, sys
import boto3
from botocore.config import Config
import optuna
from optuna.artifacts import Boto3ArtifactStore
from _optuna_round_trip import timed_download, timed_round_trip, timed_upload

optuna.logging.set_verbosity(optuna.logging.WARNING)
endpoint, bucket, access, secret, phase = sys.argv[1:6]
args = sys.argv[6:]
client = boto3.client(
    "s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                  response_checksum_validation="when_required"),
)
store = Boto3ArtifactStore(bucket, client=client)
if phase == "round-trip":
    times = timed_round_trip(store, optuna.create_study(), *args)
    store.remove(times["artifactId"])
elif phase == "upload":
    times = timed_upload(store, optuna.create_study(), args[0])
else:
    times = timed_download(store, *args)
    store.remove(args[0])
print(json.dumps(times))
