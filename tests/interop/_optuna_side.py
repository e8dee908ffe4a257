"""The Python side of the interoperability tests: real Python Optuna on the same storage.

Usage:
  _optuna_side.py version
  _optuna_side.py create STORAGE STUDY ARTIFACT_DIR   -> JSON: ids, states, Python's artifacts
  _optuna_side.py list STORAGE STUDY ARTIFACT_DIR     -> JSON: what Python lists and downloads
  _optuna_side.py upload-many STORAGE STUDY ARTIFACT_DIR N  -> JSON: ids of N uploads
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


def sha256_of_download(store, artifact_id):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "download")
        optuna.artifacts.download_artifact(
            artifact_store=store, artifact_id=artifact_id, file_path=path)
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()


def main():
    cmd = sys.argv[1]
    if cmd == "version":
        print(json.dumps({"optuna": optuna.__version__, "artifacts": HAS_ARTIFACTS}))
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
        out = {"study": metas(storage, study, False), "trials": {}, "sha256": {}}
        for trial in study.get_trials(deepcopy=False):
            out["trials"][str(trial.number)] = metas(storage, trial, True)
        if store is not None:
            for meta in out["study"] + [m for ms in out["trials"].values() for m in ms]:
                out["sha256"][meta["artifact_id"]] = sha256_of_download(store, meta["artifact_id"])
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
