# Python Optuna's side of the journal benchmark: the same listing, cold and after 100 lines.
import json, sys, time
import optuna
from optuna.artifacts import get_all_artifact_meta

optuna.logging.set_verbosity(optuna.logging.WARNING)
path, extra = sys.argv[1:3]
try:
    from optuna.storages.journal import JournalFileBackend
except ImportError:
    from optuna.storages import JournalFileStorage as JournalFileBackend


def list_all(storage):
    study = optuna.load_study(study_name=storage.get_all_studies()[0].study_name, storage=storage)
    return sum(len(get_all_artifact_meta(t, storage=storage)) for t in study.get_trials(deepcopy=False))


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
