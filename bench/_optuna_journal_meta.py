# Python Optuna's side of the journal benchmark: the same listing, cold and after 100 lines.
# "per-trial" lists with get_all_artifact_meta trial by trial; "one-read" reads the trials once
# and parses their artifact attributes, as optuna-dashboard lists a study.
import json, sys, time
import optuna
from optuna.artifacts import get_all_artifact_meta

optuna.logging.set_verbosity(optuna.logging.WARNING)
mode, path, extra = sys.argv[1:4]
try:
    from optuna.storages.journal import JournalFileBackend
except ImportError:
    from optuna.storages import JournalFileStorage as JournalFileBackend


def artifacts_of(trial):
    metas = (json.loads(v) for k, v in trial.system_attrs.items() if k.startswith("artifacts:"))
    return [m for m in metas if m is not None]


def list_all(storage):
    study = optuna.load_study(study_name=storage.get_all_studies()[0].study_name, storage=storage)
    trials = study.get_trials(deepcopy=False)
    if mode == "one-read":
        return sum(len(artifacts_of(t)) for t in trials)
    return sum(len(get_all_artifact_meta(t, storage=storage)) for t in trials)


start = time.perf_counter()
storage = optuna.storages.JournalStorage(JournalFileBackend(path))
cold = list_all(storage)
cold_seconds = time.perf_counter() - start
with open(path, "a") as f, open(extra) as g:
    f.write(g.read())
start = time.perf_counter()
storage.get_all_studies()
reread_seconds = time.perf_counter() - start
start = time.perf_counter()
warm = list_all(storage)
warm_seconds = time.perf_counter() - start
print(json.dumps({"cold": cold, "coldSeconds": cold_seconds, "rereadSeconds": reread_seconds,
                  "warm": warm, "warmSeconds": warm_seconds}))
