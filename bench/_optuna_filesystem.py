# Python Optuna's own round trip, the baseline: upload_artifact, then download_artifact.
import json, sys
import optuna
from optuna.artifacts import FileSystemArtifactStore
from _optuna_round_trip import timed_round_trip

optuna.logging.set_verbosity(optuna.logging.WARNING)
source, store_dir, target = sys.argv[1:4]
store = FileSystemArtifactStore(store_dir)
trial = optuna.create_study().ask()
print(json.dumps(timed_round_trip(store, trial, source, target)))
