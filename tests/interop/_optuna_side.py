"""The Python side of the interoperability tests: real Python Optuna on the same storage.

Usage:
  _optuna_side.py version
  _optuna_side.py create STORAGE STUDY ARTIFACT_DIR   -> JSON: ids, states, Python's artifacts
  _optuna_side.py list STORAGE STUDY ARTIFACT_DIR     -> JSON: what Python lists and downloads
  _optuna_side.py upload-many STORAGE STUDY ARTIFACT_DIR N  -> JSON: ids of N uploads
  _optuna_side.py fleet-enqueue STORAGE STUDY N       -> enqueues N trials, then sets "enqueued"
  _optuna_side.py fleet-worker STORAGE STUDY NAME SEED -> JSON: the numbers of the trials it ran
  _optuna_side.py params-write STORAGE STUDY         -> JSON: the trials Python ran, listed
  _optuna_side.py params-check STORAGE STUDY EXPECTED -> JSON: Python's listing, and where its
      params or distributions differ (`==`) from the EXPECTED file's (Deno's listing)
STORAGE is a journal file path, an RDB URL (sqlite:///..., postgresql://...) or grpc://HOST:PORT.
"""

import hashlib
import json
import os
import sys
import tempfile

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
HAS_ARTIFACTS = hasattr(optuna, "artifacts")  # Optuna >= 3.3


def storage_of(spec):
    if spec.startswith("grpc://"):
        host, port = spec[len("grpc://"):].rsplit(":", 1)
        proxy = optuna.storages.GrpcStorageProxy(host=host, port=int(port))
        proxy.wait_server_ready(timeout=30)
        return proxy
    if spec.startswith(("sqlite:", "postgresql")):
        return optuna.storages.RDBStorage(spec)
    try:
        from optuna.storages.journal import JournalFileBackend
    except ImportError:  # Optuna < 4.0
        from optuna.storages import JournalFileStorage as JournalFileBackend
    return optuna.storages.JournalStorage(JournalFileBackend(spec))


def metas(storage, study_or_trial, is_trial):
    if HAS_ARTIFACTS:
        found = optuna.artifacts.get_all_artifact_meta(study_or_trial, storage=storage)
        return [
            {"artifact_id": m.artifact_id, "filename": m.filename, "mimetype": m.mimetype,
             "encoding": m.encoding}
            for m in found
        ]
    # Optuna 3.1 has no artifacts module: the raw system attributes, decoded the same way.
    attrs = (storage.get_trial_system_attrs(study_or_trial._trial_id) if is_trial
             else storage.get_study_system_attrs(study_or_trial._study_id))
    return [json.loads(v) for k, v in attrs.items() if k.startswith("artifacts:")]


def hashes_of_download(store, artifact_id):
    """SHA-256 and XXH3-128 (the xxhash package, the C reference library) of Python's download."""
    import xxhash
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "download")
        optuna.artifacts.download_artifact(
            artifact_store=store, artifact_id=artifact_id, file_path=path)
        with open(path, "rb") as f:
            data = f.read()
        return hashlib.sha256(data).hexdigest(), xxhash.xxh3_128_hexdigest(data)


def listing(study):
    from optuna.distributions import distribution_to_json
    return [
        {
            "number": t.number, "state": t.state.name, "values": t.values, "params": t.params,
            "distributions": {k: distribution_to_json(d) for k, d in t.distributions.items()},
            "user_attrs": t.user_attrs,
            "intermediate_values": {str(k): repr(v) for k, v in t.intermediate_values.items()},
            "started": t.datetime_start is not None, "completed": t.datetime_complete is not None,
        }
        for t in study.get_trials()
    ]


def params_write(storage, name):
    import math
    import warnings
    from optuna.distributions import DiscreteUniformDistribution, IntLogUniformDistribution
    warnings.simplefilter("ignore")
    study = optuna.create_study(study_name=name, storage=storage,
                                sampler=optuna.samplers.TPESampler(seed=0, n_startup_trials=4))
    study.enqueue_trial({"x": 2.5, "c": "sgd"}, user_attrs={"source": "python enqueue"})

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        units = trial.suggest_int("units", 1, 1024, log=True)
        n = trial.suggest_int("n", 1, 9, step=2)
        drop = trial.suggest_float("drop", 0, 0.5, step=0.1)
        c = trial.suggest_categorical("c", ["adam", "sgd", None, True, 1.5])
        trial.report(x * x, 0)
        trial.report(math.nan, 1)
        trial.set_user_attr("python", {"n": n})
        return x * x + lr + units / 1024 + n + drop + (c == "sgd")

    study.optimize(objective, n_trials=8)
    legacy = study.ask()
    storage.set_trial_param(legacy._trial_id, "du", 0.75, DiscreteUniformDistribution(0, 1, 0.25))
    storage.set_trial_param(legacy._trial_id, "ilu", 10.0, IntLogUniformDistribution(1, 100))
    study.tell(legacy, state=optuna.trial.TrialState.FAIL)
    return listing(study)


def params_check(storage, name, expected_path):
    from optuna.distributions import json_to_distribution
    study = optuna.load_study(study_name=name, storage=storage)
    with open(expected_path) as f:
        expected = json.load(f)
    mismatches = []
    trials = study.get_trials()
    if len(trials) != len(expected):
        mismatches.append(f"{len(trials)} trials, expected {len(expected)}")
    for t, want in zip(trials, expected):
        if t.params != want["params"]:
            mismatches.append(f"trial {t.number}: params {t.params} != {want['params']}")
        wanted = {k: json_to_distribution(v) for k, v in want["distributions"].items()}
        if t.distributions != wanted:
            mismatches.append(f"trial {t.number}: {t.distributions} != {wanted}")
    best = study.best_trial if any(t.state.name == "COMPLETE" for t in trials) else None
    return {"listing": listing(study), "mismatches": mismatches,
            "best_params": best.params if best else None}


def fleet_enqueue(storage, name, n):
    study = optuna.load_study(study_name=name, storage=storage)
    for i in range(n):
        study.enqueue_trial({"x": i / 10 - 2.5, "n": i}, user_attrs={"i": i})
    study.set_user_attr("enqueued", n)


def fleet_worker(storage, name, worker, seed):
    # As _fleet_worker.ts: TPE, at least 20 trials and until the enqueuer is done and no trial is WAITING.
    study = optuna.load_study(study_name=name, storage=storage,
                              sampler=optuna.samplers.TPESampler(seed=seed))
    ran = []

    def objective(trial):
        ran.append(trial.number)
        trial.set_user_attr("worker", worker)
        x = trial.suggest_float("x", -10, 10)
        n = trial.suggest_int("n", 0, 100)
        return x * x + n

    def stop_when_drained(study, trial):
        done = len(ran) >= 20 and study.user_attrs.get("enqueued") == 50
        if done and not study.get_trials(states=(optuna.trial.TrialState.WAITING,)):
            study.stop()

    study.optimize(objective, n_trials=300, callbacks=[stop_when_drained])
    return ran


def main():
    cmd = sys.argv[1]
    if cmd == "version":
        print(json.dumps({"optuna": optuna.__version__, "artifacts": HAS_ARTIFACTS}))
        return
    if cmd == "fleet-enqueue":
        fleet_enqueue(storage_of(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        print("null")
        return
    if cmd == "fleet-worker":
        print(json.dumps(fleet_worker(storage_of(sys.argv[2]), sys.argv[3], sys.argv[4],
                                      int(sys.argv[5]))))
        return
    if cmd == "params-write":
        print(json.dumps(params_write(storage_of(sys.argv[2]), sys.argv[3])))
        return
    if cmd == "params-check":
        print(json.dumps(params_check(storage_of(sys.argv[2]), sys.argv[3], sys.argv[4])))
        return
    spec, name, artifact_dir = sys.argv[2:5]
    storage = storage_of(spec)
    if cmd == "create":
        study = optuna.create_study(storage=storage, study_name=name)
        running, complete, failed = study.ask(), study.ask(), study.ask()
        study.tell(complete, 1.0)
        study.tell(failed, state=optuna.trial.TrialState.FAIL)
        uploaded = {}
        if HAS_ARTIFACTS:
            store = optuna.artifacts.FileSystemArtifactStore(artifact_dir)
            path = os.path.join(artifact_dir, "..", "python-notes.txt")
            with open(path, "w") as f:
                f.write("written by Python Optuna " + optuna.__version__ + "\n")
            uploaded["study"] = optuna.artifacts.upload_artifact(
                artifact_store=store, file_path=path, study_or_trial=study)
            uploaded["trial0"] = optuna.artifacts.upload_artifact(
                artifact_store=store, file_path=path, study_or_trial=running)
        trials = study.get_trials(deepcopy=False)
        print(json.dumps({
            "study_id": study._study_id,
            "trials": [{"number": t.number, "trial_id": t._trial_id, "state": t.state.name}
                       for t in trials],
            "uploaded": uploaded,
        }))
    elif cmd == "upload-many":
        study = optuna.load_study(study_name=name, storage=storage)
        trial = study.get_trials(deepcopy=False)[0]
        store = optuna.artifacts.FileSystemArtifactStore(artifact_dir)
        path = os.path.join(tempfile.mkdtemp(), "python.txt")
        with open(path, "w") as f:
            f.write("python")
        ids = []
        for i in range(int(sys.argv[5])):
            target = study if i % 2 == 0 else optuna.trial.Trial(study, trial._trial_id)
            ids.append(optuna.artifacts.upload_artifact(
                artifact_store=store, file_path=path, study_or_trial=target))
        print(json.dumps(ids))
    elif cmd == "list":
        study = optuna.load_study(study_name=name, storage=storage)
        store = (optuna.artifacts.FileSystemArtifactStore(artifact_dir)
                 if HAS_ARTIFACTS else None)
        out = {"study": metas(storage, study, False), "trials": {}, "sha256": {}, "xxh128": {}}
        for trial in study.get_trials(deepcopy=False):
            out["trials"][str(trial.number)] = metas(storage, trial, True)
        if store is not None:
            for meta in out["study"] + [m for ms in out["trials"].values() for m in ms]:
                artifact_id = meta["artifact_id"]
                out["sha256"][artifact_id], out["xxh128"][artifact_id] = hashes_of_download(
                    store, artifact_id)
        # The raw attributes as Python reads them: the metadata values Python would write
        # itself, and the digests Deno records beside them (which get_all_artifact_meta skips).
        attrs = dict(storage.get_study_system_attrs(study._study_id))
        for trial in study.get_trials(deepcopy=False):
            attrs.update(storage.get_trial_system_attrs(trial._trial_id))
        out["meta_as_python_writes"] = {
            k: v == json.dumps(json.loads(v)) for k, v in attrs.items()
            if k.startswith("artifacts:") and v != "null"
        }
        # optuna-dashboard's listing rule (optuna_dashboard/artifact/_backend.py,
        # list_study_artifacts and list_trial_artifacts at df2a5df): JSON values of the keys
        # that start with "artifacts:" (and, for a trial, the study's
        # "dashboard:artifacts:<trial_id>:" keys), tombstones dropped.
        def dashboard_rule(*pairs):
            found = [json.loads(v) for attrs_, prefix in pairs for k, v in attrs_.items()
                     if k.startswith(prefix)]
            return [m for m in found if m is not None]
        study_attrs = storage.get_study_system_attrs(study._study_id)
        out["dashboard"] = {"study": dashboard_rule((study_attrs, "artifacts:")), "trials": {}}
        for trial in study.get_trials(deepcopy=False):
            out["dashboard"]["trials"][str(trial.number)] = dashboard_rule(
                (study_attrs, f"dashboard:artifacts:{trial._trial_id}:"),
                (storage.get_trial_system_attrs(trial._trial_id), "artifacts:"))
        out["digests"] = {
            k[len("artifact_digests:"):]: json.loads(v) for k, v in attrs.items()
            if k.startswith("artifact_digests:")
        }
        print(json.dumps(out))


if __name__ == "__main__":
    main()
