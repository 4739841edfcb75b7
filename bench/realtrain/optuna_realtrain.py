#!/usr/bin/python3
"""Optuna's side of the real-training benchmark (bench/realtrain): TPE with the Hyperband pruner, pruning
in-process on the per-epoch reports of Nightshift's own built-in trainer (or of a command trainer, the same
argv filled in), which it launches exactly as the engine does (same program, same NIGHTSHIFT_* environment,
same seed rule: study seed + trial number).

Usage: optuna_realtrain.py CONFIG_JSON  (one argument, a JSON object; see bench/realtrain/optuna.ts)
Prints one JSON object on stdout: {"processes": [{"start", "end", "energy_j", "cpu_s", "reports": [...]}],
"wall_s", "epochs"}; times are seconds from the start of the run.

Energy is the estimate Nightshift itself makes on a machine without RAPL (metering/cpu-energy.ts): the
trial process's CPU time / logical cores x cpu_watts, so both sides are measured the same way.
Written for Debian's python3-optuna 3.1 (run with /usr/bin/python3).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a live process (all its threads), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return None


def suggest(trial, space):
    params = {}
    for name, p in space.items():
        if p["type"] == "float":
            params[name] = trial.suggest_float(name, p["low"], p["high"], log=p.get("log", False))
        elif p["type"] == "int":
            params[name] = trial.suggest_int(name, p["low"], p["high"], log=p.get("log", False))
        else:
            params[name] = trial.suggest_categorical(name, p["choices"])
    return params


def main():
    cfg = json.loads(sys.argv[1])
    cores = os.cpu_count() or 1
    watts = cfg["cpu_watts"]
    lock = threading.Lock()
    state = {"epochs": 0, "done": False, "silent": 0, "error": None}
    processes = []
    t0 = time.monotonic()
    now = lambda: time.monotonic() - t0

    def objective(trial):
        params = suggest(trial, cfg["space"])
        with lock:
            if state["done"]:
                raise optuna.TrialPruned()
        env = dict(os.environ)
        if "argv" in cfg:
            # A command trainer: the same argv the engine fills in ({name} from the parameters and the epochs).
            values = dict(params, epochs=cfg["max_epochs"])
            argv = [re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), a) for a in cfg["argv"]]
            env.update(cfg["env"])
            # Its own checkpoint folder, as the engine gives each configuration: a shared one would make every
            # trial resume from the last one's final epoch.
            env["NIGHTSHIFT_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="optuna-trial-")
        else:
            argv = [cfg["node"], cfg["entry"]]
            env["NIGHTSHIFT_BUILTIN"] = json.dumps(cfg["builtin"])
        env.update(
            {
                "NIGHTSHIFT_PARAMS": json.dumps(params),
                "NIGHTSHIFT_BUDGET": str(cfg["max_epochs"]),
                "NIGHTSHIFT_SEED": str(cfg["seed"] + trial.number),
                "NIGHTSHIFT_TRIAL_NUMBER": str(trial.number),
            }
        )
        record = {"start": now(), "end": None, "energy_j": 0.0, "cpu_s": 0.0, "reports": [], "params": params}
        with lock:
            processes.append(record)
        proc = subprocess.Popen(
            argv, cwd=cfg.get("cwd"), env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
        )
        last = None
        stop_reason = None
        try:
            for line in proc.stdout:
                if not line.startswith("@nightshift "):
                    continue
                report = json.loads(line[len("@nightshift ") :])
                step, value = int(report["step"]), float(report[cfg["metric"]])
                cpu = cpu_seconds(proc.pid)
                record["reports"].append(
                    {"t": now(), "step": step, "value": value, "energy_j": None if cpu is None else cpu / cores * watts}
                )
                last = value
                trial.report(value, step)
                with lock:
                    state["epochs"] += 1
                    if state["epochs"] >= cfg["epoch_budget"]:
                        state["done"] = True
                    done = state["done"]
                if done:
                    stop_reason = "budget"
                    break
                if trial.should_prune():
                    stop_reason = "pruned"
                    break
        finally:
            # Not proc.poll(): it would reap the child, and wait4 below needs it for the child's CPU time.
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = status
            record["end"] = now()
            record["cpu_s"] = usage.ru_utime + usage.ru_stime
            record["energy_j"] = record["cpu_s"] / cores * watts
        if "NIGHTSHIFT_CHECKPOINT_DIR" in env and "argv" in cfg:
            shutil.rmtree(env["NIGHTSHIFT_CHECKPOINT_DIR"], ignore_errors=True)
        with lock:
            state["silent"] = 0 if record["reports"] else state["silent"] + 1
            if state["silent"] >= 10:
                state["done"] = True
                state["error"] = "10 trial processes in a row reported nothing: the trainer is broken"
        if stop_reason == "pruned":
            raise optuna.TrialPruned()
        if last is None:
            raise optuna.TrialPruned()
        return last

    def stop_when_spent(study, _trial):
        with lock:
            if state["done"]:
                study.stop()

    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=cfg["seed"]),
        pruner=optuna.pruners.HyperbandPruner(min_resource=cfg["min_epochs"], max_resource=cfg["max_epochs"], reduction_factor=cfg["eta"]),
    )
    study.optimize(objective, n_trials=100000, n_jobs=cfg["parallel"], callbacks=[stop_when_spent], catch=())
    if state["error"]:
        sys.exit("optuna_realtrain.py: " + state["error"])
    json.dump({"processes": processes, "wall_s": now(), "epochs": state["epochs"]}, sys.stdout)


if __name__ == "__main__":
    main()
