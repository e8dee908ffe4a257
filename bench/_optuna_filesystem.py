# Python Optuna's own round trip, the baseline: upload_artifact, then download_artifact.
import json, sys, time
import optuna
from optuna.artifacts import FileSystemArtifactStore, download_artifact, upload_artifact

optuna.logging.set_verbosity(optuna.logging.WARNING)
source, store_dir, target = sys.argv[1:4]
store = FileSystemArtifactStore(store_dir)
study = optuna.create_study()
trial = study.ask()
start = time.perf_counter()
artifact_id = upload_artifact(artifact_store=store, file_path=source, study_or_trial=trial)
upload = time.perf_counter() - start
start = time.perf_counter()
download_artifact(artifact_store=store, artifact_id=artifact_id, file_path=target)
download = time.perf_counter() - start
print(json.dumps({"upload": upload, "download": download, "artifactId": artifact_id}))
