"""Nightshift trial helper: read this trial's parameters, report metrics, find the checkpoint folder.

Standard library only (Python 3.8+). Copy this file next to your script, or put its folder on PYTHONPATH.
Outside Nightshift it still works, so a script can be debugged by hand: params() returns {} and report()
prints its lines to stdout as usual.

Example::

    import os, nightshift

    p = nightshift.params()                      # {"lr": 0.001, "units": 64, ...}
    lr = p.get("lr", 1e-3)
    epochs = int(nightshift.budget() or 10)      # the fidelity value to reach, if the study has one
    ckpt = nightshift.checkpoint_dir()           # kept across this trial's promotions and resumes
    for epoch in range(1, epochs + 1):
        loss, acc = train_one_epoch(lr)          # your code
        nightshift.report(epoch, loss=loss, val_accuracy=acc)
        save(os.path.join(ckpt, "last.pt"))      # your code

A finalist run (the study's ``finalists`` stage re-runs its top configurations with other seeds, overrides
and folds) also gets ``fold()`` and ``folds()`` when the study asks for folds: train on every fold but
``fold()`` of ``folds()`` and report on that one. ``is_finalist()`` says whether this run is one.

A report is one stdout line, ``@nightshift {"step": 3, "val_accuracy": 0.91}``; every other line is log.
Stopping is SIGTERM to the trial's process group, then SIGKILL after a grace period.

Reused processes: with ``trainer: {command: [...], reuse_process: true}`` one Python process runs trial
after trial, so imports, CUDA initialisation and data loaded at module level are paid once per process, not
once per trial. The script hands its training to ``run``::

    import nightshift, torch                     # paid once per process
    DATA = load_data()                           # the same for every trial: load it once

    def train():                                 # one trial: read params(), report(), as above
        ...

    nightshift.run(train)

Each trial sees its own ``params()``, ``budget()``, ``checkpoint_dir()`` and ``sys.argv`` (the study's
command with this trial's values filled in). A stop raises ``TrialStopped`` from the next ``report()``
(``stopping()`` says whether one was asked for, for a loop that reports rarely); under a stop-based
scheduler ``report()`` at a rung step waits for the verdict (at most 2 s), so a trial stopped there trains no
further epoch. ``TrialStopped`` is not an ``Exception``,
so ``except Exception`` does not swallow it. ``train`` must not depend on what an earlier trial left behind
(set seeds, build the model and optimizer inside it). Outside a reused process ``run`` calls ``train()`` once.
"""

import gc
import json
import math
import operator
import os
import sys
import threading
import time
import traceback

from _nightshift_sweep import own_processes as _own_processes, sweep as _sweep

__all__ = [
    "params",
    "report",
    "checkpoint_dir",
    "budget",
    "trial_id",
    "trial_number",
    "study",
    "seed",
    "fold",
    "folds",
    "is_finalist",
    "run",
    "stopping",
    "TrialStopped",
]

_PREFIX = "@nightshift "
_DEFAULT_CHECKPOINT_DIR = "nightshift-checkpoint"


def params():
    """This trial's parameters as a dict (from NIGHTSHIFT_PARAMS_FILE, else NIGHTSHIFT_PARAMS); {} outside Nightshift."""
    path = os.environ.get("NIGHTSHIFT_PARAMS_FILE")
    if path and os.path.exists(path):
        with open(path, "r", encoding="utf-8") as f:
            value = json.load(f)
    else:
        text = os.environ.get("NIGHTSHIFT_PARAMS")
        value = json.loads(text) if text else {}
    if not isinstance(value, dict):
        raise ValueError("nightshift: the trial parameters are not a JSON object: %r" % (value,))
    return value


def _finite(name, value):
    # bool is an int subclass, but True as a metric is almost always a bug in the script.
    if isinstance(value, bool) or isinstance(value, str) or not hasattr(value, "__float__"):
        raise ValueError("nightshift.report: metric %r must be a number, got %r" % (name, value))
    try:
        number = float(value)  # also accepts numpy scalars and 0-d tensors
    except (TypeError, ValueError, OverflowError):
        raise ValueError("nightshift.report: metric %r must be a finite number, got %r" % (name, value)) from None
    if not math.isfinite(number):
        raise ValueError("nightshift.report: metric %r must be finite, got %r" % (name, number))
    if isinstance(value, int):
        return value  # keep integers exact
    return number


def report(step, **metrics):
    """Report metrics at ``step`` (a non-negative integer: epoch, iteration...). Prints one line and flushes."""
    if isinstance(step, bool):
        raise ValueError("nightshift.report: step must be a non-negative integer, got %r" % (step,))
    try:
        step = operator.index(step)
    except TypeError:
        raise ValueError("nightshift.report: step must be a non-negative integer, got %r" % (step,)) from None
    if step < 0:
        raise ValueError("nightshift.report: step must be a non-negative integer, got %r" % (step,))
    payload = {"step": step}
    for name, value in metrics.items():
        payload[name] = _finite(name, value)
    if _stop.is_set():
        raise TrialStopped()
    line = _PREFIX + json.dumps(payload, allow_nan=False)
    # One write per line, flushed: the engine reads reports as they come, and a buffered stdout would hold
    # them until the trial exits (or lose them if it is killed).
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    if _serving and step in _rung_steps():
        _await_verdict(step)


def checkpoint_dir():
    """The folder for this trial's checkpoints (created if missing); ./nightshift-checkpoint outside Nightshift."""
    path = os.environ.get("NIGHTSHIFT_CHECKPOINT_DIR") or os.path.abspath(_DEFAULT_CHECKPOINT_DIR)
    os.makedirs(path, exist_ok=True)
    return path


def budget():
    """The fidelity value this run should reach (e.g. epochs) as a float, or None when there is none."""
    text = os.environ.get("NIGHTSHIFT_BUDGET")
    return float(text) if text else None


def _int_env(name):
    text = os.environ.get(name)
    return int(text) if text else None


def trial_id():
    """This trial's database id, or None outside Nightshift."""
    return _int_env("NIGHTSHIFT_TRIAL_ID")


def trial_number():
    """This trial's number within its study (0, 1, 2...), or None outside Nightshift."""
    return _int_env("NIGHTSHIFT_TRIAL_NUMBER")


def study():
    """The study's name, or None outside Nightshift."""
    return os.environ.get("NIGHTSHIFT_STUDY") or None


def seed():
    """A seed derived from the study's seed for this trial, or None outside Nightshift."""
    return _int_env("NIGHTSHIFT_SEED")


def fold():
    """The cross-validation fold to hold out (0 .. folds()-1) in a finalist run with folds, else None."""
    return _int_env("NIGHTSHIFT_FOLD")


def folds():
    """How many cross-validation folds the finalist stage uses, or None when it uses none (or outside one)."""
    return _int_env("NIGHTSHIFT_FOLDS")


def is_finalist():
    """True when this run re-runs a top configuration in the study's finalists stage (not a search trial)."""
    return os.environ.get("NIGHTSHIFT_FINALIST") == "1"


# --- Reused processes (the engine's worker protocol: src/main/engine/trainers/worker-protocol.ts) -------------

_FENCE = "@nightshift-worker "
_WORKER_ENV = "NIGHTSHIFT_WORKER"
_EXIT_STOPPED = 143  # what a trial process stopped by SIGTERM exits with
# The variables that change from trial to trial (PER_TRIAL_ENV in worker-protocol.ts): a trial sees only its own.
_PER_TRIAL_ENV = (
    "NIGHTSHIFT_PARAMS",
    "NIGHTSHIFT_PARAMS_FILE",
    "NIGHTSHIFT_TRIAL_ID",
    "NIGHTSHIFT_TRIAL_NUMBER",
    "NIGHTSHIFT_CHECKPOINT_DIR",
    "NIGHTSHIFT_SEED",
    "NIGHTSHIFT_BUDGET",
    "NIGHTSHIFT_FINALIST",
    "NIGHTSHIFT_FOLD",
    "NIGHTSHIFT_FOLDS",
    "NIGHTSHIFT_TRIAL_TOKEN",
)
_stop = threading.Event()
# A stop-based scheduler's rungs (NIGHTSHIFT_RUNG_STEPS): after reporting one, a trial in a reused process
# waits for the engine's verdict ({"go": step} or a stop), so one stopped there trains no further epoch;
# as the built-in trainer (trainers/trial.ts), it trains on after _VERDICT_WAIT_S without one.
_VERDICT_WAIT_S = 2.0
_verdict = threading.Condition()
_go = [0]  # the highest rung step this trial was let through
_serving = False  # set by run() in a reused process: only there do verdicts come


def _rung_steps():
    steps = set()
    for part in (os.environ.get("NIGHTSHIFT_RUNG_STEPS") or "").split(","):
        try:
            steps.add(int(part))
        except ValueError:
            pass  # malformed entries are ignored, as the built-in trainer does
    return steps


def _await_verdict(step):
    deadline = time.monotonic() + _VERDICT_WAIT_S
    with _verdict:
        while _go[0] < step and not _stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            _verdict.wait(left)
    if _stop.is_set():
        raise TrialStopped()


class TrialStopped(BaseException):
    """Raised by report() once Nightshift asked the running trial to stop; run() ends the trial cleanly."""


def stopping():
    """True once Nightshift asked this trial to stop (only in a reused process; a trial process gets SIGTERM)."""
    return _stop.is_set()


def run(train):
    """Runs ``train()`` once per trial: trial after trial in a reused process, else just once."""
    if os.environ.get(_WORKER_ENV) != "1":
        train()
        return
    # Processes that train() starts are not workers themselves.
    del os.environ[_WORKER_ENV]
    global _serving
    _serving = True
    commands = []
    ready = threading.Condition()

    def read_stdin(stream):
        for line in stream:
            try:
                cmd = json.loads(line)
            except ValueError:
                continue
            # A stop is for the latest run command, started or still queued: the engine may stop a trial it
            # just launched, before this process has popped its command.
            if isinstance(cmd, dict) and cmd.get("stop") is True:
                _stop.set()
                with _verdict:
                    _verdict.notify_all()
            elif isinstance(cmd, dict) and isinstance(cmd.get("go"), int) and not isinstance(cmd.get("go"), bool):
                with _verdict:
                    _go[0] = max(_go[0], cmd["go"])
                    _verdict.notify_all()
            elif isinstance(cmd, dict) and isinstance(cmd.get("run"), dict):
                # A late verdict for the previous trial came before this line: it cannot pass this trial's rungs.
                with _verdict:
                    _go[0] = 0
                with ready:
                    _stop.clear()
                    commands.append(cmd["run"])
                    ready.notify()
        # The engine is gone: stop the running trial at its next report, then exit.
        _stop.set()
        with _verdict:
            _verdict.notify_all()
        with ready:
            commands.append(None)
            ready.notify()

    # The commands come on stdin. A trial's own child processes inherit fd 0: one that reads it (cat, an
    # interactive prompt) would eat the engine's commands. So the commands are read from a private copy
    # of the pipe, and fd 0 becomes /dev/null for everything the trials start.
    commands_in = os.fdopen(os.dup(0), "r", encoding="utf-8", errors="replace")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = open(os.devnull, "r")

    threading.Thread(target=read_stdin, args=(commands_in,), name="nightshift-worker-stdin", daemon=True).start()
    own_argv = list(sys.argv)
    # What every trial starts from: a trial that changes the folder or the environment leaves no trace.
    home = os.getcwd()
    base_env = {k: v for k, v in os.environ.items() if k not in _PER_TRIAL_ENV}
    # The process's own environment holds its first trial's token: only then can anything carry a trial's
    # token before the trial starts (what the script started when it loaded). Later tokens are new.
    first_token = os.environ.get("NIGHTSHIFT_TRIAL_TOKEN")
    while True:
        with ready:
            while not commands:
                ready.wait()
            cmd = commands.pop(0)
        if cmd is None:
            return
        os.chdir(home)
        os.environ.clear()
        os.environ.update(base_env)
        env = cmd.get("env") if isinstance(cmd.get("env"), dict) else {}
        for key, value in env.items():
            if isinstance(value, str):
                os.environ[key] = value
        sys.argv = _trial_argv(cmd.get("argv"), own_argv)
        # What runs already (started when the script loaded) is not this trial's.
        token = os.environ.get("NIGHTSHIFT_TRIAL_TOKEN")
        before = _own_processes(token if token == first_token else None)
        code = _run_one(train)
        _release()
        _sweep(token, before)
        _fence(code)


def _trial_argv(argv, own_argv):
    """sys.argv for a trial: the engine's argv less the interpreter's part (python3 -u ...), as at start."""
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv) or len(argv) < len(own_argv):
        return list(own_argv)
    return argv[len(argv) - len(own_argv):]


def _run_one(train):
    if _stop.is_set():  # stopped before it started
        return _EXIT_STOPPED
    try:
        train()
        return 0
    except TrialStopped:
        return _EXIT_STOPPED
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        print(e.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        traceback.print_exc()
        return 130
    except BaseException:  # noqa: B036 - any other failure ends this trial only; the process is retired
        traceback.print_exc()
        return 1


def _release():
    """Frees what the trial left: its objects, and PyTorch's cached GPU blocks, which its allocator would
    otherwise keep for the process's life (held while idle, and counted in the next trial's GPU memory)."""
    gc.collect()
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_initialized():
            torch.cuda.empty_cache()
    except Exception:  # noqa: BLE001 - best effort: a broken CUDA state fails the next trial, not this one
        pass


def _fence(code):
    """Ends the trial on both streams: every line before the fence belongs to it."""
    line = _FENCE + json.dumps({"exit": code}) + "\n"
    sys.stdout.flush()
    sys.stdout.write(line)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.stderr.write(line)
    sys.stderr.flush()
