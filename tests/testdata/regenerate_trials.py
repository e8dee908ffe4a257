"""Regenerates the trial-model fixtures with the Python Optuna that is installed.

    python3 tests/testdata/regenerate_trials.py OUT_DIR

writes into OUT_DIR (never over this folder by default):
- ``trial-vectors.json``: ``distribution_to_json`` of each distribution class, the ones Python's
  constructors refuse, ``check_distribution_compatibility`` verdicts, numpy ``RandomState`` draws,
  and the parameters ``RandomSampler`` and ``TPESampler`` suggest for seeded studies;
- ``optuna-<version>/params.journal.log`` and ``params.sqlite3``: a ``params`` study with every
  distribution class (the legacy ones written through the storage, as Optuna 2 did), enqueued
  trials, user attributes and intermediate values, and ``params-expected.json``, what Python
  reads back.

The TPE runs force numpy's ``argsort`` to its stable kind: numpy 2's default quicksort orders
ties by the CPU's SIMD path, which no other implementation (nor another CPU) reproduces.
"""

import json
import warnings
import math
import os
import sys

import numpy

import optuna
from optuna.distributions import (
    CategoricalDistribution, DiscreteUniformDistribution, FloatDistribution, IntDistribution,
    IntLogUniformDistribution, IntUniformDistribution, LogUniformDistribution,
    UniformDistribution, check_distribution_compatibility, distribution_to_json,
    json_to_distribution,
)
from optuna.storages import JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore")  # the legacy classes and step adjustments warn, as they should
CLASSES = {c.__name__: c for c in (
    CategoricalDistribution, DiscreteUniformDistribution, FloatDistribution, IntDistribution,
    IntLogUniformDistribution, IntUniformDistribution, LogUniformDistribution, UniformDistribution,
)}
VALID = [
    ("FloatDistribution", {"low": -10, "high": 10}),
    ("FloatDistribution", {"low": 1e-5, "high": 1, "log": True}),
    ("FloatDistribution", {"low": 0, "high": 1, "step": 0.1}),
    ("FloatDistribution", {"low": 0, "high": 1.05, "step": 0.1}),
    ("FloatDistribution", {"low": 0.1, "high": 0.35, "step": 0.1}),
    ("FloatDistribution", {"low": 1.5, "high": 2.3, "step": 0.25}),
    ("FloatDistribution", {"low": 0.5, "high": 0.5}),
    ("FloatDistribution", {"low": -1e300, "high": 1e300}),
    ("FloatDistribution", {"low": 1e-7, "high": 3.3e21}),
    ("IntDistribution", {"low": 1, "high": 9, "step": 2}),
    ("IntDistribution", {"low": 0, "high": 10, "step": 3}),
    ("IntDistribution", {"low": 1, "high": 1024, "log": True}),
    ("IntDistribution", {"low": -5, "high": 5}),
    ("CategoricalDistribution", {"choices": ("adam", "sgd")}),
    ("CategoricalDistribution", {"choices": (None, True, False, 1, 2.5, -0.0, "x", "日本\"\\")}),
    ("UniformDistribution", {"low": -1, "high": 1}),
    ("LogUniformDistribution", {"low": 1e-3, "high": 1}),
    ("DiscreteUniformDistribution", {"low": 0, "high": 1, "q": 0.25}),
    ("DiscreteUniformDistribution", {"low": 0, "high": 1.1, "q": 0.25}),
    ("IntUniformDistribution", {"low": 0, "high": 10, "step": 2}),
    ("IntLogUniformDistribution", {"low": 1, "high": 100}),
]
INVALID = [
    ("FloatDistribution", {"low": 2, "high": 1}),
    ("FloatDistribution", {"low": 0, "high": 1, "log": True}),
    ("FloatDistribution", {"low": 1, "high": 2, "log": True, "step": 0.5}),
    ("FloatDistribution", {"low": 0, "high": 1, "step": 0}),
    ("FloatDistribution", {"low": 0, "high": 1, "step": -0.5}),
    ("IntDistribution", {"low": 5, "high": 1}),
    ("IntDistribution", {"low": 0, "high": 10, "log": True}),
    ("IntDistribution", {"low": 1, "high": 10, "log": True, "step": 2}),
    ("IntDistribution", {"low": 0, "high": 10, "step": 0}),
]
COMPAT = [
    (FloatDistribution(0, 1), FloatDistribution(-5, 5)),
    (FloatDistribution(0, 1), FloatDistribution(0, 1, log=False, step=0.5)),
    (FloatDistribution(0.1, 1), FloatDistribution(0.1, 1, log=True)),
    (FloatDistribution(0, 1), IntDistribution(0, 1)),
    (IntDistribution(0, 10), IntDistribution(0, 20, step=2)),
    (IntDistribution(1, 10), IntDistribution(1, 10, log=True)),
    (UniformDistribution(0, 1), FloatDistribution(0, 1)),
    (CategoricalDistribution(["a", "b"]), CategoricalDistribution(["a", "b"])),
    (CategoricalDistribution(["a", "b"]), CategoricalDistribution(["b", "a"])),
    (CategoricalDistribution(["a", "b"]), FloatDistribution(0, 1)),
]
SEEDS = [0, 1, 42, 4294967295]


def objective(trial):
    # Only + and * so that any IEEE 754 implementation computes the same value.
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", 1e-3, 10, log=True)
    n = trial.suggest_int("n", 1, 9, step=2)
    k = trial.suggest_int("k", 1, 64, log=True)
    s = trial.suggest_float("s", 0, 1, step=0.25)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return (x - 1) * (x - 1) + y + (n - 5) * (n - 5) + k * 0.125 + s + {"a": 0, "b": 1, "c": 2}[c]


def sampled(sampler, n_trials):
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=n_trials)
    return [t.params for t in study.trials]


def vectors():
    stable = numpy.argsort
    numpy.argsort = lambda a, axis=-1, kind=None, order=None: stable(a, axis, "stable", order)
    out = {
        "about": f"Generated by Python {sys.version.split()[0]} with Optuna {optuna.__version__} "
                 f"and numpy {numpy.__version__}",
        "distributions": [
            {"class": name, "args": args, "json": distribution_to_json(CLASSES[name](**args)),
             "repr": repr(CLASSES[name](**args)),
             "single": CLASSES[name](**args).single()}
            for name, args in VALID
        ],
        "invalid": [{"class": name, "args": args} for name, args in INVALID],
        "compatibility": [],
        "random_state": [],
        "random_sampler": {"seed": 7, "trials": sampled(optuna.samplers.RandomSampler(seed=7), 20)},
        "tpe": [
            {"seed": seed, "multivariate": multivariate,
             "trials": sampled(optuna.samplers.TPESampler(seed=seed, multivariate=multivariate), 60)}
            for seed in (3, 11) for multivariate in (False, True)
        ],
    }
    numpy.argsort = stable
    for a, b in COMPAT:
        try:
            check_distribution_compatibility(a, b)
            ok = True
        except ValueError:
            ok = False
        out["compatibility"].append(
            {"a": distribution_to_json(a), "b": distribution_to_json(b), "compatible": ok})
    for name, args in INVALID:
        try:
            CLASSES[name](**args)
            raise SystemExit(f"{name}({args}) did not raise")
        except ValueError:
            pass
    for seed in SEEDS:
        rng = numpy.random.RandomState(seed)
        out["random_state"].append({
            "seed": seed,
            "random": [rng.random_sample() for _ in range(5)],
            "uniform": [rng.uniform(-3, 7) for _ in range(5)],
            "choice": rng.choice(4, p=[0.1, 0.2, 0.3, 0.4], size=8).tolist(),
        })
    for case in out["distributions"]:
        assert json_to_distribution(case["json"]) == CLASSES[case["class"]](**case["args"])
    return out


def params_study(storage):
    study = optuna.create_study(study_name="params", storage=storage, direction="minimize")
    study.set_user_attr("owner", "python")
    study.enqueue_trial({"x": 2.5, "n": 3, "c": "sgd"}, user_attrs={"source": "enqueue"})
    trial = study.ask()  # takes the enqueued trial
    trial.suggest_float("x", -10, 10)
    trial.suggest_int("n", 1, 9, step=2)
    trial.suggest_categorical("c", ["adam", "sgd", None, True, 1.5])
    trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    trial.suggest_int("units", 1, 1024, log=True)
    trial.suggest_float("drop", 0, 0.5, step=0.1)
    trial.report(0.5, 0)
    trial.report(math.nan, 1)
    trial.report(math.inf, 2)
    trial.set_user_attr("note", {"nested": [1, "two", None]})
    study.tell(trial, 1.25)
    legacy = study.ask()
    for name, dist, internal in [
        ("u", UniformDistribution(-1, 1), 0.25),
        ("lu", LogUniformDistribution(1e-3, 1), 0.01),
        ("du", DiscreteUniformDistribution(0, 1, 0.25), 0.75),
        ("iu", IntUniformDistribution(0, 10, 2), 4.0),
        ("ilu", IntLogUniformDistribution(1, 100), 10.0),
        ("cat", CategoricalDistribution([None, False, "z"]), 2.0),
    ]:
        storage.set_trial_param(legacy._trial_id, name, internal, dist)
    study.tell(legacy, state=optuna.trial.TrialState.FAIL)
    study.enqueue_trial({"x": -1.0})  # left WAITING
    return {
        "trials": [
            {
                "number": t.number, "state": t.state.name, "values": t.values, "params": t.params,
                "distributions": {k: distribution_to_json(d) for k, d in t.distributions.items()},
                "user_attrs": t.user_attrs,
                "intermediate_values": {str(k): repr(v) for k, v in t.intermediate_values.items()},
                "started": t.datetime_start is not None, "completed": t.datetime_complete is not None,
            }
            for t in study.get_trials()
        ],
        "study_user_attrs": study.user_attrs,
    }


def main(out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "trial-vectors.json"), "w") as f:
        json.dump(vectors(), f, indent=1, ensure_ascii=False)
    version_dir = os.path.join(out, f"optuna-{optuna.__version__}")
    os.makedirs(version_dir, exist_ok=True)
    journal = JournalStorage(JournalFileBackend(os.path.join(version_dir, "params.journal.log")))
    sqlite = RDBStorage(f"sqlite:///{os.path.join(version_dir, 'params.sqlite3')}")
    expected = {"journal": params_study(journal), "sqlite": params_study(sqlite)}
    with open(os.path.join(version_dir, "params-expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
    print(f"wrote {out} with Optuna {optuna.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
