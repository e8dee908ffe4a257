# Python Optuna's side of the long-line benchmark: replay the journal, read the attribute.
import json, sys, time
import optuna

try:
    from optuna.storages.journal import JournalFileBackend
except ImportError:
    from optuna.storages import JournalFileStorage as JournalFileBackend

start = time.perf_counter()
storage = optuna.storages.JournalStorage(JournalFileBackend(sys.argv[1]))
value = storage.get_study_system_attrs(0)["long"]
print(json.dumps({"seconds": time.perf_counter() - start, "length": len(value)}))
