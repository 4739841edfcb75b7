#!/usr/bin/python3
"""Drives one Optuna study at a time for Nightshift's benchmark (bench/), over JSON lines on stdin/stdout.

Requests: {"op": "create", "sampler": "tpe"|"cmaes"|"random"|"nsga2"|"motpe", "seed": int,
           "space": {name: {"type": "float"|"int"|"categorical", "low", "high", "log", "step", "choices"}},
           "directions": ["minimize"|"maximize", ...]}
          {"op": "ask"} -> {"params": {...}, "seconds": wall time in study.ask, "cpu_seconds": its CPU time}
          {"op": "tell", "values": [...]}
          {"op": "preload", "trials": [{"params": {...}, "values": [...]}]}   (finished trials, for timing)
          {"op": "exit"}
The objective functions stay in the benchmark's TypeScript so both sides evaluate exactly the same code.
Written for Debian's python3-optuna 3.1 (run with /usr/bin/python3).
"""
import json
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


def make_sampler(name, seed):
    if name == "tpe" or name == "motpe":
        # Optuna 3.1's TPESampler handles several objectives itself (MOTPE).
        return optuna.samplers.TPESampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    raise ValueError(f"unknown sampler {name}")


def make_distributions(space):
    out = {}
    for name, p in space.items():
        if p["type"] == "float":
            out[name] = optuna.distributions.FloatDistribution(p["low"], p["high"], log=p.get("log", False), step=p.get("step"))
        elif p["type"] == "int":
            out[name] = optuna.distributions.IntDistribution(p["low"], p["high"], log=p.get("log", False), step=p.get("step") or 1)
        else:
            out[name] = optuna.distributions.CategoricalDistribution(p["choices"])
    return out


def main():
    study = None
    dists = None
    trial = None
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "create":
            study = optuna.create_study(directions=req["directions"], sampler=make_sampler(req["sampler"], req["seed"]))
            dists = make_distributions(req["space"])
            reply = {"ok": True}
        elif op == "ask":
            t0 = time.perf_counter()
            c0 = time.process_time()
            trial = study.ask(dists)
            cpu = time.process_time() - c0
            seconds = time.perf_counter() - t0
            reply = {"params": trial.params, "seconds": seconds, "cpu_seconds": cpu}
        elif op == "tell":
            values = req["values"]
            study.tell(trial, values if len(values) > 1 else values[0])
            reply = {"ok": True}
        elif op == "preload":
            study.add_trials(
                [optuna.trial.create_trial(params=t["params"], distributions=dists, values=t["values"]) for t in req["trials"]]
            )
            reply = {"ok": True}
        elif op == "exit":
            break
        else:
            reply = {"error": f"unknown op {op}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
