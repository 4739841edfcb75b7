#!/usr/bin/python3
"""Optuna on the LCBench surrogate for Nightshift's benchmark (bench/lcbench), over JSON lines.

Node starts this process and sends {"op": "run", "method": "tpe-median"|"tpe-hyperband"|"random", "seed": int,
"budget": epochs, "min_epoch": 2, "max_epoch": 52, "space": {name: {"type", "low", "high", "log"}}}. Python then
drives one Optuna study: for each trial it asks Node for the configuration's learning curve
({"op": "curve", "params": {...}} -> {"curve": [val_accuracy at epoch 1..52]}), so the surrogate is evaluated by
the same code for every method, and trains it epoch by epoch, reporting each epoch >= min_epoch to the pruner.
Every trained epoch costs one epoch of the budget; the last trial stops where the budget ends. When the budget
is spent it answers {"op": "done", "trajectory": [[epochs spent, best so far], ...], "trials": n,
"seconds": time inside Optuna}. {"op": "exit"} ends the process.
Written for Debian's python3-optuna 3.1 (run with /usr/bin/python3).
"""
import json
import math
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def receive():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


def distributions(space):
    out = {}
    for name, p in space.items():
        if p["type"] == "float":
            out[name] = optuna.distributions.FloatDistribution(p["low"], p["high"], log=p.get("log", False))
        else:
            out[name] = optuna.distributions.IntDistribution(p["low"], p["high"], log=p.get("log", False))
    return out


def make_study(method, seed, min_epoch, max_epoch):
    # HyperbandPruner assigns brackets by crc32 of "<study name>_<trial number>": a fixed name keeps runs repeatable.
    name = f"lcbench-{method}-{seed}"
    if method == "random":
        return optuna.create_study(study_name=name, direction="maximize", sampler=optuna.samplers.RandomSampler(seed=seed), pruner=optuna.pruners.NopPruner())
    sampler = optuna.samplers.TPESampler(seed=seed)
    if method == "tpe-median":
        pruner = optuna.pruners.MedianPruner()
    elif method == "tpe-hyperband":
        pruner = optuna.pruners.HyperbandPruner(min_resource=min_epoch, max_resource=max_epoch, reduction_factor=3)
    else:
        raise ValueError(f"unknown method {method}")
    return optuna.create_study(study_name=name, direction="maximize", sampler=sampler, pruner=pruner)


def run(req):
    budget, min_epoch, max_epoch = req["budget"], req["min_epoch"], req["max_epoch"]
    study = make_study(req["method"], req["seed"], min_epoch, max_epoch)
    dists = distributions(req["space"])
    spent, best, trajectory, inside = 0, -math.inf, [], 0.0
    while spent < budget:
        t0 = time.perf_counter()
        trial = study.ask(dists)
        inside += time.perf_counter() - t0
        send({"op": "curve", "params": trial.params})
        curve = receive()["curve"]
        epoch, pruned = 0, False
        while epoch < max_epoch and spent < budget:
            epoch += 1
            spent += 1
            if epoch >= min_epoch:
                t0 = time.perf_counter()
                trial.report(curve[epoch - 1], epoch)
                pruned = trial.should_prune()
                inside += time.perf_counter() - t0
                if pruned:
                    break
        t0 = time.perf_counter()
        if epoch < min_epoch:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        elif pruned or epoch < max_epoch:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, curve[epoch - 1])
        inside += time.perf_counter() - t0
        if epoch >= min_epoch:
            best = max(best, curve[epoch - 1])
            trajectory.append([spent, best])
    send({"op": "done", "trajectory": trajectory, "trials": len(study.trials), "seconds": inside})


def main():
    while True:
        req = receive()
        if req["op"] == "exit":
            return
        if req["op"] == "run":
            run(req)
        else:
            send({"op": "error", "error": f"unknown op {req['op']}"})


if __name__ == "__main__":
    main()
