# The measured phases of the Python baselines: upload_artifact of a file, then
# download_artifact of it, timed apart.
import time
from optuna.artifacts import download_artifact, upload_artifact


def timed_upload(store, study_or_trial, source):
    """Seconds of upload_artifact, and the artifact's id, as the Deno workers print them."""
    start = time.perf_counter()
    artifact_id = upload_artifact(
        artifact_store=store, file_path=source, study_or_trial=study_or_trial
    )
    return {"upload": time.perf_counter() - start, "artifactId": artifact_id}


def timed_download(store, artifact_id, target):
    """Seconds of download_artifact, as the Deno workers print them."""
    start = time.perf_counter()
    download_artifact(artifact_store=store, artifact_id=artifact_id, file_path=target)
    return {"download": time.perf_counter() - start}


def timed_round_trip(store, study_or_trial, source, target):
    """Seconds per phase, and the artifact's id: an upload, then a download of it."""
    times = timed_upload(store, study_or_trial, source)
    return {**times, **timed_download(store, times["artifactId"], target)}
