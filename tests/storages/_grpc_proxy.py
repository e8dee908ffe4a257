# Optuna's gRPC storage proxy in front of a storage, for the tests: python _grpc_proxy.py
# STORAGE_URL PORT. Serves until killed.
import sys
import warnings

import optuna
from optuna.storages import get_storage, run_grpc_proxy_server

warnings.simplefilter("ignore")  # the proxy is "experimental"
optuna.logging.set_verbosity(optuna.logging.WARNING)
run_grpc_proxy_server(get_storage(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]))
