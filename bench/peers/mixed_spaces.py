"""Scriba's mixed-type test spaces (bench/functions/mixed.ts) for the Optuna peer.

The same functions as the TypeScript ones, term for term; bench/golden-mixed.json holds values
of both at fixed points (`optuna_driver.py check` compares them). Each space is a list of
parameters `(name, kind, spec)`: kind "double"/"int" with (low, high, log, step), "discrete"
(a list of numbers) or "categorical" (a list of strings), both asked with suggest_categorical.
"""
import math


def table_entry(*ints):
    """A fixed table entry in [0, 1) from small integers (no libm, exact in every language)."""
    h = 0
    for v in ints:
        h = (h * 31 + v + 7) % 1_000_003
    return ((h * 7919) % 1000) / 1000


OPTIMISER_LR = {"sgd": -1.0, "momentum": -1.5, "adam": -3.0, "rmsprop": -2.5}
OPTIMISER_FLOOR = {"sgd": 0.3, "momentum": 0.1, "adam": 0.0, "rmsprop": 0.05}


def mixed_mlp(x):
    u = math.log10(x["lr"])
    optimiser = x["optimizer"]
    doublings = math.log2(x["batch"] / 64)
    layers = x["layers"]
    u_star = OPTIMISER_LR[optimiser] + 0.25 * doublings
    return ((u - u_star) ** 2 + 0.08 * (layers - 4) ** 2 + 2 * (x["dropout"] - 0.2 - 0.05 * layers) ** 2
            + OPTIMISER_FLOOR[optimiser] + 0.02 * doublings ** 2)


def mixed_steps(x):
    a, b = x["a"], x["b"]
    return (100 * (b - a * a) ** 2 + (1 - a) ** 2 + (x["c"] - 3.5) ** 2 + ((x["n"] - 3) / 3) ** 2
            + ((x["m"] - 45) / 20) ** 2 + (math.log2(x["k"]) - 3) ** 2)


CATEGORIES = [3, 4, 5, 3, 4, 5]


def _categorical_part(choice):
    f = 0.0
    for i in range(len(choice)):
        f += table_entry(i, choice[i])
        for j in range(i + 1, len(choice)):
            f += 0.5 * table_entry(100 + i, j, choice[i], choice[j])
    return f


def mixed_categorical(x):
    choice = [ord(x[f"c{i}"]) - 97 for i in range(len(CATEGORIES))]
    target = 0.2 + 0.3 * choice[0]
    return _categorical_part(choice) + (x["w"] - 2) ** 2 / 4 + 3 * (x["y"] - target) ** 2


def _categorical_minimum():
    best_f, best_choice = math.inf, None

    def walk(i, choice):
        nonlocal best_f, best_choice
        if i == len(CATEGORIES):
            f = _categorical_part(choice)
            if f < best_f:
                best_f, best_choice = f, list(choice)
            return
        for c in range(CATEGORIES[i]):
            walk(i + 1, choice + [c])

    walk(0, [])
    return best_f, best_choice


KERNEL_FLOOR = {"linear": 0.8, "rbf": 0.0, "poly": 0.3}


def mixed_log(x):
    c = math.log10(x["C"]) - 1.5
    kernel = x["kernel"]
    gamma = 0.0 if kernel == "linear" else (math.log10(x["gamma"]) + 2 - 0.5 * c) ** 2
    return (c ** 2 + gamma + 0.5 * math.log10(x["n_estimators"] / 200) ** 2 + 0.1 * (math.log10(x["tol"]) + 4) ** 2
            + KERNEL_FLOOR[kernel])


_CAT_F, _CAT_CHOICE = _categorical_minimum()


def _double(low, high, log=False, step=None):
    return ("double", (low, high, log, step))


def _int(low, high, log=False, step=None):
    return ("int", (low, high, log, step))


# name: (f, [(parameter, kind, spec)], f*, x*)
MIXED = {
    "mixed_mlp": (mixed_mlp, [
        ("lr", *_double(1e-5, 1.0, log=True)),
        ("layers", *_int(1, 8)),
        ("optimizer", "categorical", ["sgd", "momentum", "adam", "rmsprop"]),
        ("batch", "discrete", [16, 32, 64, 128, 256, 512]),
        ("dropout", *_double(0.0, 0.9)),
    ], 0.0, {"lr": 1e-3, "layers": 4, "optimizer": "adam", "batch": 64, "dropout": 0.4}),
    "mixed_steps": (mixed_steps, [
        ("a", *_double(-2.0, 2.0, step=0.05)),
        ("b", *_double(-2.0, 2.0, step=0.05)),
        ("c", *_double(0.0, 10.0, step=0.5)),
        ("n", *_int(-10, 10)),
        ("m", *_int(0, 100, step=5)),
        ("k", *_int(1, 64, log=True)),
    ], 0.0, {"a": 1.0, "b": 1.0, "c": 3.5, "n": 3, "m": 45, "k": 8}),
    "mixed_categorical": (mixed_categorical, [
        *[(f"c{i}", "categorical", [chr(97 + j) for j in range(count)]) for i, count in enumerate(CATEGORIES)],
        ("w", "discrete", [0, 1, 2, 4, 8]),
        ("y", *_double(0.0, 1.0)),
    ], _CAT_F, {**{f"c{i}": chr(97 + c) for i, c in enumerate(_CAT_CHOICE)}, "w": 2, "y": 0.2 + 0.3 * _CAT_CHOICE[0]}),
    "mixed_log": (mixed_log, [
        ("C", *_double(1e-3, 1e3, log=True)),
        ("gamma", *_double(1e-5, 10.0, log=True)),
        ("kernel", "categorical", ["linear", "rbf", "poly"]),
        ("n_estimators", *_int(10, 1000, log=True)),
        ("tol", *_double(1e-6, 1e-1, log=True)),
    ], 0.0, {"C": 10 ** 1.5, "gamma": 1e-2, "kernel": "rbf", "n_estimators": 200, "tol": 1e-4}),
}


def suggest(trial, space):
    """The trial's values of a mixed space, in Optuna's suggest_* terms."""
    x = {}
    for name, kind, spec in space:
        if kind == "double":
            low, high, log, step = spec
            x[name] = trial.suggest_float(name, low, high, log=log, step=step)
        elif kind == "int":
            low, high, log, step = spec
            x[name] = trial.suggest_int(name, low, high, log=log, step=step or 1)
        else:
            x[name] = trial.suggest_categorical(name, spec)
    return x
