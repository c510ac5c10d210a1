#!/usr/bin/env python3
"""Optuna peer for Scriba's benchmark suite (bench-protocol v1).

Runs Optuna's samplers on the protocol's test functions and writes the same JSON as
`scriba bench` (schemas hpo-bench/synthetic/v1 and hpo-bench/latency/v1), so that both land in
one report.  Standard library, optuna, cmaes and numpy only; a benchmark peer, never a runtime
dependency of Scriba.

  optuna_driver.py synthetic --functions branin,hartmann6 --samplers random,tpe --seeds 10 \
      [--seed-start 0] [--budget N] --out FILE.json
  optuna_driver.py latency --samplers random,tpe --sizes 100,500,1000,2000 [--asks 20] --out FILE.json
  optuna_driver.py multifidelity --methods random_none,tpe_sha,... --seeds 10 [--seed-start 0] \
      [--budget 8100] --out FILE.json
  optuna_driver.py check [--golden PATH]
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # single-threaded numerics (§4), before numpy loads

import argparse
import datetime
import importlib.util
import json
import math
import platform
import shlex
import statistics
import sys
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mixed_spaces import MIXED, suggest  # noqa: E402  (Scriba's mixed-type spaces, beside §2's functions)

# ---------------------------------------------------------------------------------------------
# §2 test functions (x is a list of floats in original coordinates)


def branin(x):
    b, c, r, s, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    x1, x2 = x
    return (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


def six_hump_camel(x):
    x1, x2 = x
    return (4 - 2.1 * x1 ** 2 + x1 ** 4 / 3) * x1 ** 2 + x1 * x2 + (-4 + 4 * x2 ** 2) * x2 ** 2


def goldstein_price(x):
    x1, x2 = x
    a = 1 + (x1 + x2 + 1) ** 2 * (19 - 14 * x1 + 3 * x1 ** 2 - 14 * x2 + 6 * x1 * x2 + 3 * x2 ** 2)
    b = 30 + (2 * x1 - 3 * x2) ** 2 * (18 - 32 * x1 + 12 * x1 ** 2 + 48 * x2 - 36 * x1 * x2 + 27 * x2 ** 2)
    return a * b


ALPHA = (1.0, 1.2, 3.0, 3.2)
A3 = ((3, 10, 30), (0.1, 10, 35), (3, 10, 30), (0.1, 10, 35))
P3 = ((3689, 1170, 2673), (4699, 4387, 7470), (1091, 8732, 5547), (381, 5743, 8828))
A6 = ((10, 3, 17, 3.5, 1.7, 8), (0.05, 10, 17, 0.1, 8, 14), (3, 3.5, 1.7, 10, 17, 8), (17, 8, 0.05, 10, 0.1, 14))
P6 = ((1312, 1696, 5569, 124, 8283, 5886), (2329, 4135, 8307, 3736, 1004, 9991),
      (2348, 1451, 3522, 2883, 3047, 6650), (4047, 8828, 8732, 5743, 1091, 381))


def _hartmann(a, p, x):
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j, xj in enumerate(x):
            inner += a[i][j] * (xj - 1e-4 * p[i][j]) ** 2
        total += ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    d = len(x)
    s1 = sum(v * v for v in x)
    s2 = sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d) + 20 + math.e


def rastrigin(x):
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    head = math.sin(math.pi * w[0]) ** 2
    mid = sum((wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2) for wi in w[:-1])
    return head + mid + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def styblinski_tang(x):
    return 0.5 * sum(v ** 4 - 16 * v ** 2 + 5 * v for v in x)


def sphere(x):
    return sum(v * v for v in x)


def _box(d, lo, hi):
    return [(lo, hi)] * d


# name: (f, bounds, f*, a minimiser x*)
FUNCTIONS = {
    "branin": (branin, [(-5.0, 10.0), (0.0, 15.0)], 0.397887357729738, [math.pi, 2.275]),
    "six_hump_camel": (six_hump_camel, [(-3.0, 3.0), (-2.0, 2.0)], -1.0316284534898774,
                       [0.0898420126, -0.7126564041]),
    "goldstein_price": (goldstein_price, _box(2, -2.0, 2.0), 3.0, [0.0, -1.0]),
    "hartmann3": (lambda x: _hartmann(A3, P3, x), _box(3, 0.0, 1.0), -3.862779787332663,
                  [0.1145888723, 0.5556488969, 0.8525469839]),
    "hartmann6": (lambda x: _hartmann(A6, P6, x), _box(6, 0.0, 1.0), -3.322368011415515,
                  [0.2016895092, 0.150010693, 0.4768739767, 0.2753324293, 0.3116516155, 0.6573005353]),
    "rosenbrock5": (rosenbrock, _box(5, -5.0, 10.0), 0.0, [1.0] * 5),
    "rosenbrock10": (rosenbrock, _box(10, -5.0, 10.0), 0.0, [1.0] * 10),
    "ackley5": (ackley, _box(5, -32.768, 32.768), 0.0, [0.0] * 5),
    "rastrigin5": (rastrigin, _box(5, -5.12, 5.12), 0.0, [0.0] * 5),
    "levy5": (levy, _box(5, -10.0, 10.0), 0.0, [1.0] * 5),
    "styblinski_tang5": (styblinski_tang, _box(5, -5.0, 5.0), 5 * -39.166165703771413, [-2.903534027771177] * 5),
    "sphere10": (sphere, _box(10, -5.12, 5.12), 0.0, [0.0] * 10),
}


def budget_for(dim):
    return 100 if dim <= 3 else 200  # §3


# ---------------------------------------------------------------------------------------------
# §6 reference samplers


def _missing(*modules):
    return [m for m in modules if importlib.util.find_spec(m) is None]


def sampler_table(optuna):
    """name -> (factory(seed), description, missing python modules)."""
    S = optuna.samplers
    table = {
        "random": (lambda s: S.RandomSampler(seed=s), "optuna.samplers.RandomSampler(seed=seed)", []),
        "qmc_sobol": (lambda s: S.QMCSampler(qmc_type="sobol", scramble=True, seed=s),
                      'optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed); Optuna samples '
                      "the first trial at random to infer the search space", _missing("scipy")),
        # Optuna >= 4 defaults to multivariate TPE for one objective; the protocol's `tpe` is the
        # univariate one (3.1 defaults), so it is asked for explicitly.
        "tpe": (lambda s: S.TPESampler(seed=s, multivariate=False),
                "optuna.samplers.TPESampler(seed=seed, multivariate=False): univariate TPE, n_startup_trials=10, "
                "n_ei_candidates=24, consider_prior/magic_clip on, endpoints off (the Optuna 3.1 defaults; "
                "multivariate=False is explicit because Optuna >= 4 defaults to multivariate)", []),
        "tpe_mv": (lambda s: S.TPESampler(multivariate=True, seed=s),
                   "optuna.samplers.TPESampler(multivariate=True, seed=seed)", []),
        "cmaes": (lambda s: S.CmaEsSampler(seed=s),
                  "optuna.samplers.CmaEsSampler(seed=seed): x0 = box centre, sigma0 = min range / 6, "
                  "popsize 4 + floor(3 ln d), first trial random, no restarts", _missing("cmaes")),
    }
    if hasattr(S, "GPSampler"):
        table["gp"] = (lambda s: S.GPSampler(seed=s),
                       f"optuna.samplers.GPSampler(seed=seed), Optuna {optuna.__version__}'s built-in GP "
                       "Bayesian optimisation (defaults: 10 random startup trials, logEI)", _missing("torch", "scipy"))
    return table


GP_TYPE = {"gp"}  # §4.1: GP-type methods only for n <= 1000


def pick_samplers(optuna, names):
    table = sampler_table(optuna)
    chosen = {}
    for name in names:
        if name not in table:
            die(f"unknown sampler {name!r}; known samplers: {', '.join(table)}")
        factory, description, missing = table[name]
        if missing:
            die(f"sampler {name!r} needs the Python modules {', '.join(missing)} (pip install {' '.join(missing)})")
        chosen[name] = (factory, description)
    return chosen


# ---------------------------------------------------------------------------------------------
# helpers


def die(message):
    print(f"optuna_driver: {message}", file=sys.stderr)
    sys.exit(2)


def split_list(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def strict(value):
    """JSON-safe copy: non-finite floats become null (§7)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(v) for v in value]
    return value


def write_json(path, document):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(strict(document), fh, allow_nan=False, indent=1)
        fh.write("\n")
    os.replace(tmp, path)


def machine():
    cpu, mem_gb, os_name = platform.processor() or platform.machine(), None, f"{platform.system()} {platform.release()}"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:"))
        mem_gb = round(kb * 1024 / 2 ** 30, 1)
    except (OSError, StopIteration, ValueError):
        try:
            mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30, 1)
        except (AttributeError, ValueError, OSError):
            pass
    try:
        with open("/etc/os-release", encoding="utf-8") as fh:
            os_name = next(line.split("=", 1)[1].strip().strip('"') for line in fh if line.startswith("PRETTY_NAME="))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "logical_cpus": os.cpu_count() or 1, "mem_gb": mem_gb, "os": os_name}


def base_meta(optuna, samplers):
    import numpy

    versions = {"optuna": optuna.__version__, "python": platform.python_version(), "numpy": numpy.__version__}
    if not _missing("cmaes"):
        import cmaes

        versions["cmaes"] = getattr(cmaes, "__version__", "unknown")
    return {
        "engine": "optuna",
        "versions": versions,
        "machine": machine(),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": shlex.join(["python3", *sys.argv]),
        "samplers": {name: description for name, (_, description) in samplers.items()},
    }


def import_optuna():
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    return optuna


def timed_ask(study, names, bounds):
    """study.ask() plus the d suggest_float calls (§4): (trial, x, seconds)."""
    start = time.perf_counter()
    trial = study.ask()
    x = [trial.suggest_float(name, low, high) for name, (low, high) in zip(names, bounds)]
    return trial, x, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# commands


def cmd_synthetic(args):
    known = {**FUNCTIONS, **MIXED}
    functions = list(known) if args.functions == "all" else split_list(args.functions)
    for name in functions:
        if name not in known:
            die(f"unknown function {name!r}; known functions: {', '.join(known)}")
    if args.seeds < 1 or (args.budget is not None and args.budget < 1):
        die("--seeds and --budget must be positive")
    optuna = import_optuna()
    samplers = pick_samplers(optuna, split_list(args.samplers))
    runs, total = [], len(samplers) * len(functions) * args.seeds
    for sampler_name, (factory, _) in samplers.items():
        for fn_name in functions:
            mixed = fn_name in MIXED
            if mixed:
                f, space, f_star, _ = MIXED[fn_name]
                dim = len(space)

                def ask(study, space=space):
                    start = time.perf_counter()
                    trial = study.ask()
                    x = suggest(trial, space)
                    return trial, x, time.perf_counter() - start
            else:
                f, bounds, f_star, _ = FUNCTIONS[fn_name]
                dim = len(bounds)
                names = [f"x{i}" for i in range(dim)]

                def ask(study, names=names, bounds=bounds):
                    return timed_ask(study, names, bounds)
            budget = args.budget if args.budget is not None else budget_for(dim)
            for seed in range(args.seed_start, args.seed_start + args.seeds):
                wall = time.perf_counter()
                study = optuna.create_study(direction="minimize", sampler=factory(seed))
                ys, xs, regret, ask_s, tell_s, best = [], [], [], [], [], math.inf
                for _ in range(budget):
                    trial, x, asked = ask(study)
                    y = float(f(x))
                    start = time.perf_counter()
                    study.tell(trial, y)
                    tell_s.append(time.perf_counter() - start)
                    ask_s.append(asked)
                    ys.append(y)
                    xs.append(x)
                    best = min(best, y)
                    regret.append(max(best - f_star, 0.0))
                wall = time.perf_counter() - wall
                best_i = min(range(budget), key=lambda i: ys[i])
                run = {"function": fn_name, "dim": dim, "f_star": f_star, "sampler": sampler_name,
                       "seed": seed, "budget": budget, "y": ys, "regret": regret, "ask_s": ask_s,
                       "tell_s": tell_s, "wall_s": wall, "truncated": False}
                run["best_params" if mixed else "best_x"] = xs[best_i]  # a mixed space's point is not all numbers
                runs.append(run)
                print(f"optuna {sampler_name} {fn_name} seed {seed}: {budget} evals, regret {regret[-1]:.3g}, "
                      f"median ask {1e3 * statistics.median(ask_s):.2f} ms, {wall:.2f} s "
                      f"[{len(runs)}/{total}]", file=sys.stderr, flush=True)
    meta = base_meta(optuna, samplers)
    meta["timing"] = ("ask_s: study.ask() plus the d trial.suggest_* calls; tell_s: study.tell(trial, value); "
                      "time.perf_counter(), objective excluded; in-memory storage; "
                      "OMP/OPENBLAS/MKL_NUM_THREADS=1; wall_s includes study creation and the objective")
    write_json(args.out, {"schema": "hpo-bench/synthetic/v1", "meta": meta, "runs": runs})


def cmd_latency(args):
    import numpy

    try:
        sizes = [int(s) for s in split_list(args.sizes)]
    except ValueError:
        die(f"--sizes must be integers, got {args.sizes!r}")
    if any(n < 0 or n > 2000 for n in sizes) or args.asks < 1:
        die("--sizes must lie in 0..2000 (§4.1 uses 100,500,1000,2000) and --asks must be positive")
    optuna = import_optuna()
    samplers = pick_samplers(optuna, split_list(args.samplers))
    f, bounds, _, _ = FUNCTIONS["hartmann6"]
    names = [f"x{i}" for i in range(6)]
    rows = numpy.random.default_rng(12345).random((2000, 6)).tolist()
    values = [f(row) for row in rows]
    distributions = {name: optuna.distributions.FloatDistribution(0.0, 1.0) for name in names}
    entries, skipped = [], []
    for sampler_name, (factory, _) in samplers.items():
        for n in sizes:
            if sampler_name in GP_TYPE and n > 1000:
                skipped.append(f"{sampler_name} at n={n} (GP-type methods only for n <= 1000, §4.1)")
                continue
            study = optuna.create_study(direction="minimize", sampler=factory(0))
            start = time.perf_counter()
            study.add_trials([optuna.trial.create_trial(params=dict(zip(names, rows[i])), distributions=distributions,
                                                        value=values[i]) for i in range(n)])
            prefill_s = time.perf_counter() - start
            ask_s = []
            for _ in range(args.asks):
                trial, x, asked = timed_ask(study, names, bounds)
                ask_s.append(asked)
                study.tell(trial, float(f(x)))
            entries.append({"sampler": sampler_name, "n_trials": n, "ask_s": ask_s,
                            "median_ask_s": statistics.median(ask_s), "prefill_s": prefill_s})
            print(f"optuna latency {sampler_name} n={n}: median ask {1e3 * statistics.median(ask_s):.2f} ms "
                  f"(prefill {prefill_s:.2f} s)", file=sys.stderr, flush=True)
    meta = base_meta(optuna, samplers)
    meta.update({
        "function": "hartmann6",
        "asks_per_point": args.asks,
        "prefill": "first n rows of numpy.random.default_rng(12345).random((2000, 6)) with values hartmann6(row), "
                   "inserted as COMPLETE trials via study.add_trials(optuna.trial.create_trial(...)); "
                   "optimiser seed 0; each timed ask (study.ask() + 6 suggest_float) is followed by an untimed tell",
        "timing": "time.perf_counter() around study.ask() plus the 6 trial.suggest_float calls",
    })
    if skipped:
        meta["skipped"] = skipped
    write_json(args.out, {"schema": "hpo-bench/latency/v1", "meta": meta, "entries": entries})


# ---------------------------------------------------------------------------------------------
# §5 multi-fidelity benchmark on the learning-curve objective of Appendix A

MAX_EPOCHS = 81
L0 = 1.25
SIGMA = 0.01
A_STAR = 0.0343050531668343
MASK64 = (1 << 64) - 1


def splitmix64(key):
    z = (key + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def noise_u(seed, trial, epoch):
    """A.2: u(s, k, t) = (splitmix64(s·2^40 + k·2^20 + t) >> 11) / 2^53."""
    return (splitmix64((seed << 40) + (trial << 20) + epoch) >> 11) / 2.0 ** 53


def lc_asymptote(x):
    return (_hartmann(A3, P3, x[:3]) + 4) / 4 + 0.1 * (1 - x[3]) ** 2


def lc_loss(x, t, seed, trial):
    a = lc_asymptote(x)
    c = a + (L0 - a) * math.exp(-t / (1 + 15 * x[3]))
    return c + SIGMA * math.sqrt(3) * (2 * noise_u(seed, trial, t) - 1)


MF_SAMPLERS = {
    "random": (lambda optuna, s: optuna.samplers.RandomSampler(seed=s), "optuna.samplers.RandomSampler(seed=seed)"),
    "tpe": (lambda optuna, s: optuna.samplers.TPESampler(seed=s, multivariate=False),
            "optuna.samplers.TPESampler(seed=seed, multivariate=False) (the univariate Optuna 3.1 defaults of §6)"),
}
MF_PRUNERS = {
    "none": (lambda optuna: optuna.pruners.NopPruner(), "optuna.pruners.NopPruner(): every trial trains 81 epochs"),
    "median": (lambda optuna: optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1),
               "optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1) (its defaults)"),
    "sha": (lambda optuna: optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3,
                                                                  min_early_stopping_rate=0),
            "optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, min_early_stopping_rate=0)"),
    "hyperband": (lambda optuna: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS,
                                                                reduction_factor=3),
                  "optuna.pruners.HyperbandPruner(min_resource=1, max_resource=81, reduction_factor=3)"),
}


def mf_history(trials, budget):
    """§5 / A.4 from (x, epochs, last_value) in creation order: incumbent = complete trial with the
    smallest final value, ties to the lowest k; the run stops at the first end with cum >= budget."""
    history, cum, incumbent, best_any = [], 0, None, math.inf
    for k, (x, epochs, last_value) in enumerate(trials):
        if cum >= budget:
            break
        regret = lc_asymptote(x) - A_STAR
        complete = epochs == MAX_EPOCHS
        cum += epochs
        if complete and (incumbent is None or last_value < incumbent[1]):
            incumbent = (k, last_value, regret)
        best_any = min(best_any, regret)
        history.append({"trial": k, "x": list(x), "state": "COMPLETE" if complete else "PRUNED", "epochs": epochs,
                        "last_value": last_value, "asymptote_regret": regret, "cum_epochs": cum,
                        "incumbent_trial": incumbent[0] if incumbent else None,
                        "incumbent_regret": incumbent[2] if incumbent else None, "best_any_regret": best_any})
    return history


def mf_run(optuna, sampler, pruner, seed, budget):
    """One run: trials one at a time through ask/tell; each epoch is reported and may be pruned,
    the 81st is told as the final value."""
    # A fixed study name: HyperbandPruner assigns brackets by a CRC32 of it (a random name by
    # default), so without it the same seed gives another run.
    study = optuna.create_study(direction="minimize", sampler=MF_SAMPLERS[sampler][0](optuna, seed),
                                pruner=MF_PRUNERS[pruner][0](optuna),
                                study_name=f"multifidelity-{sampler}-{pruner}-{seed}")
    trials, cum = [], 0
    while cum < budget:
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(4)]
        k = trial.number
        if k != len(trials):
            die(f"trial number {k} is not the creation order {len(trials)}")
        for t in range(1, MAX_EPOCHS + 1):
            value = lc_loss(x, t, seed, k)
            if t == MAX_EPOCHS:
                study.tell(trial, value)
                break
            trial.report(value, t)
            if trial.should_prune():
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                break
        trials.append((x, t, value))
        cum += t
    history = mf_history(trials, budget)
    return {"sampler": sampler, "pruner": pruner, "seed": seed, "budget_epochs": budget, "n_trials": len(history),
            "n_complete": sum(h["state"] == "COMPLETE" for h in history), "total_epochs": history[-1]["cum_epochs"],
            "history": history}


def cmd_multifidelity(args):
    methods = []
    for name in split_list(args.methods):
        sampler, _, pruner = name.partition("_")
        if sampler not in MF_SAMPLERS or pruner not in MF_PRUNERS:
            die(f"unknown method {name!r}; methods are <sampler>_<pruner> with sampler in {', '.join(MF_SAMPLERS)} "
                f"and pruner in {', '.join(MF_PRUNERS)}")
        methods.append((sampler, pruner))
    if args.seeds < 1 or args.budget < 1:
        die("--seeds and --budget must be positive")
    optuna = import_optuna()
    runs, total = [], len(methods) * args.seeds
    for sampler, pruner in methods:
        for seed in range(args.seed_start, args.seed_start + args.seeds):
            wall = time.perf_counter()
            run = mf_run(optuna, sampler, pruner, seed, args.budget)
            run["wall_s"] = time.perf_counter() - wall
            runs.append(run)
            last = run["history"][-1]
            print(f"optuna {sampler}_{pruner} seed {seed}: {run['n_trials']} trials, {run['n_complete']} complete, "
                  f"incumbent regret {last['incumbent_regret']}, {run['wall_s']:.2f} s [{len(runs)}/{total}]",
                  file=sys.stderr, flush=True)
    meta = base_meta(optuna, {})
    meta["samplers"] = {s: MF_SAMPLERS[s][1] for s in dict.fromkeys(s for s, _ in methods)}
    meta.update({
        "objective": "learning-curve v1 (bench-protocol Appendix A)",
        "max_epochs": MAX_EPOCHS,
        "a_star": A_STAR,
        "pruners": {p: MF_PRUNERS[p][1] for p in dict.fromkeys(p for _, p in methods)},
        "trials": "study.ask(), 4 suggest_float on [0, 1]; epochs t = 1..80 trial.report(loss, t) then "
                  "trial.should_prune() (pruned: study.tell(state=PRUNED)); epoch 81 study.tell(trial, loss); "
                  "trial k = trial.number; in-memory storage",
    })
    write_json(args.out, {"schema": "hpo-bench/multifidelity/v1", "meta": meta, "runs": runs})


def cmd_check(args):
    path = args.golden
    if path is None:
        path = os.path.join(REPO, "bench", "golden-functions.json")
        if not os.path.exists(path):
            path = os.path.join(REPO, "..", "shared", "bench", "golden-functions.json")
    with open(path, encoding="utf-8") as fh:
        golden = json.load(fh)["values"]
    problems, worst, worst_at, seen = [], 0.0, None, set()
    for entry in golden:
        name = entry["function"]
        if name not in FUNCTIONS:
            problems.append(f"unknown function {name!r} in the golden file")
            continue
        f, bounds, _, _ = FUNCTIONS[name]
        x = [float(v) for v in entry["x"]]
        if len(x) != len(bounds) or any(not lo <= v <= hi for v, (lo, hi) in zip(x, bounds)):
            problems.append(f"{name} {entry['point']}: x outside the domain {bounds}")
            continue
        if entry["point"] == "centre" and any(abs(v - (lo + hi) / 2) > 1e-12 for v, (lo, hi) in zip(x, bounds)):
            problems.append(f"{name}: the golden centre is not the centre of the domain {bounds}")
        got, want = float(f(x)), float(entry["f"])
        scale = max(abs(got), abs(want))
        diff = 0.0 if got == want else abs(got - want) / scale
        if diff >= worst:
            worst, worst_at = diff, f"{name} {entry['point']}: got {got!r}, golden {want!r}"
        seen.add(name)
    for name, (f, bounds, f_star, x_star) in FUNCTIONS.items():
        if name not in seen:
            problems.append(f"{name}: no golden values")
        if abs(f(x_star) - f_star) > 1e-9 * max(1.0, abs(f_star)):
            problems.append(f"{name}: f(x*) = {f(x_star)!r} is not f* = {f_star!r}")
    mixed_path = os.path.join(REPO, "bench", "golden-mixed.json")
    with open(mixed_path, encoding="utf-8") as fh:
        mixed_golden = json.load(fh)
    for entry in mixed_golden["values"]:
        name = entry["function"]
        if name not in MIXED:
            problems.append(f"unknown mixed space {name!r} in {mixed_path}")
            continue
        got, want = float(MIXED[name][0](entry["x"])), float(entry["f"])
        diff = 0.0 if got == want else abs(got - want) / max(abs(got), abs(want))
        if diff >= worst:
            worst, worst_at = diff, f"{name} {entry['point']}: got {got!r}, golden {want!r}"
    for name, (f, _, f_star, x_star) in MIXED.items():
        if abs(mixed_golden["f_star"].get(name, math.nan) - f_star) > 1e-12 * max(1.0, abs(f_star)):
            problems.append(f"{name}: f* = {f_star!r} differs from the golden {mixed_golden['f_star'].get(name)!r}")
        if abs(f(x_star) - f_star) > 1e-9 * max(1.0, abs(f_star)):
            problems.append(f"{name}: f(x*) = {f(x_star)!r} is not f* = {f_star!r}")
    print(f"{len(golden) + len(mixed_golden['values'])} golden values from {os.path.normpath(path)} and "
          f"{os.path.normpath(mixed_path)}; worst relative difference {worst:.3g}" + (f" ({worst_at})" if worst_at else ""))
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    if worst > 1e-12:
        print(f"FAIL: worst relative difference {worst:.3g} > 1e-12 at {worst_at}", file=sys.stderr)
    return 1 if problems or worst > 1e-12 else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Optuna peer of Scriba's benchmark (bench-protocol v1)")
    sub = parser.add_subparsers(dest="command", required=True)
    syn = sub.add_parser("synthetic", help="§3 synthetic functions -> hpo-bench/synthetic/v1")
    syn.add_argument("--functions", default="all", help="comma-separated §2 names, or all (default)")
    syn.add_argument("--samplers", required=True, help="comma-separated §6 names")
    syn.add_argument("--seeds", type=int, default=10, help="runs per function and sampler (default 10)")
    syn.add_argument("--seed-start", type=int, default=0)
    syn.add_argument("--budget", type=int, default=None, help="evaluations per run (default: §3)")
    syn.add_argument("--out", required=True)
    lat = sub.add_parser("latency", help="§4.1 ask latency on hartmann6 -> hpo-bench/latency/v1")
    lat.add_argument("--samplers", required=True)
    lat.add_argument("--sizes", default="100,500,1000,2000")
    lat.add_argument("--asks", type=int, default=20)
    lat.add_argument("--out", required=True)
    mf = sub.add_parser("multifidelity", help="§5 learning-curve benchmark -> hpo-bench/multifidelity/v1")
    mf.add_argument("--methods", required=True, help="comma-separated <sampler>_<pruner>, e.g. random_none,tpe_sha")
    mf.add_argument("--seeds", type=int, default=10)
    mf.add_argument("--seed-start", type=int, default=0)
    mf.add_argument("--budget", type=int, default=8100, help="epochs per run (default 8100, §5)")
    mf.add_argument("--out", required=True)
    sub.add_parser("samplers", help="print, as JSON, each sampler's missing Python modules ([] when it can run)")
    chk = sub.add_parser("check", help="compare the functions with the golden values")
    chk.add_argument("--golden", default=None, help="default: bench/golden-functions.json")
    args = parser.parse_args(argv)
    if args.command == "synthetic":
        cmd_synthetic(args)
    elif args.command == "latency":
        cmd_latency(args)
    elif args.command == "multifidelity":
        cmd_multifidelity(args)
    elif args.command == "samplers":
        table = sampler_table(import_optuna())
        print(json.dumps({name: missing for name, (_, _, missing) in table.items()}))
    else:
        return cmd_check(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
