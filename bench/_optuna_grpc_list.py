# Python Optuna's side of the gRPC listing benchmark: the same listing, twice.
import json, sys, time
import optuna
from optuna.artifacts import get_all_artifact_meta

optuna.logging.set_verbosity(optuna.logging.WARNING)
host, port = sys.argv[1][len("grpc://"):].rsplit(":", 1)


def list_all(storage):
    study = optuna.load_study(study_name=storage.get_all_studies()[0].study_name, storage=storage)
    return sum(len(get_all_artifact_meta(t, storage=storage)) for t in study.get_trials(deepcopy=False))


start = time.perf_counter()
storage = optuna.storages.GrpcStorageProxy(host=host, port=int(port))
cold = list_all(storage)
cold_seconds = time.perf_counter() - start
start = time.perf_counter()
warm = list_all(storage)
warm_seconds = time.perf_counter() - start
print(json.dumps({"cold": cold, "coldSeconds": cold_seconds, "warm": warm, "warmSeconds": warm_seconds}))
