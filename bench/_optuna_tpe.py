"""Python Optuna's side of bench/tpe_quality.ts: best-so-far curves of TPESampler (Optuna's
defaults) for seeds 0..SEEDS-1 on one function. The functions are bench/tpe_quality.ts's.

Usage: _optuna_tpe.py FUNCTION SEEDS TRIALS   -> JSON: one curve of TRIALS values per seed
"""

import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def sphere(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    return x * x + y * y


def branin(trial):
    x = trial.suggest_float("x", -5, 10)
    y = trial.suggest_float("y", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def mix5(trial):
    x = trial.suggest_float("x", -5, 5)
    lr = trial.suggest_float("lr", 1e-4, 1, log=True)
    n = trial.suggest_int("n", 1, 1000, log=True)
    k = trial.suggest_int("k", 0, 10)
    c = trial.suggest_categorical("c", ["a", "b", "c", "d"])
    return (x * x + (math.log10(lr) + 2) ** 2 + (math.log10(n) - 2) ** 2 + (k - 3) ** 2 / 4
            + {"a": 1, "b": 0, "c": 0.5, "d": 2}[c])


def main():
    function, seeds, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    curves = []
    started = time.perf_counter()
    for seed in range(seeds):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(globals()[function], n_trials=trials)
        best, curve = math.inf, []
        for t in study.trials:
            best = min(best, t.value)
            curve.append(best)
        curves.append(curve)
    print(json.dumps({"curves": curves, "seconds": time.perf_counter() - started,
                      "optuna": optuna.__version__}))


if __name__ == "__main__":
    main()
