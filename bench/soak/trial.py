#!/usr/bin/env python3
# A soak trial: a few reports and an exit, or one of the faults the soak injects, chosen from the trial's
# own parameter u (uniform in [0, 1]) so a trial and its retries fail the same way and the rates hold in
# expectation. Every start and clean end goes to a ledger outside the data folder (which the soak fills),
# so the harness can tell a lost or repeated trial from what the database says.
#   u < 0.10  crash (exit 3 with a traceback, SIGSEGV, or _exit mid-line)
#   u < 0.15  hang past the study's timeout (ignores SIGTERM, so the SIGKILL after the grace is needed)
#   u < 0.20  garbage output (binary bytes, broken JSON, NaN, a 1 MB line), then a valid report
#   u < 0.22  daemonize (fork, setsid, fork) leaving a sleeper that keeps the trial's stdout and stderr
#   else      normal
import json
import os
import signal
import sys
import time

u = float(sys.argv[1])
ledger = sys.argv[2]
trial_id = os.environ.get("NIGHTSHIFT_TRIAL_ID", "?")

FAULTS = [(0.10, "crash"), (0.15, "hang"), (0.20, "garbage"), (0.22, "daemonize")]


def fault_of(x):
    lo = 0.0
    for hi, name in FAULTS:
        if x < hi:
            # Which variant of the fault: the position of u inside its band.
            return name, int((x - lo) / (hi - lo) * 3)
        lo = hi
    return "normal", 0


def note(event, **extra):
    line = json.dumps({"id": trial_id, "pid": os.getpid(), "ev": event, "t": time.time(), **extra}) + "\n"
    # O_APPEND: concurrent trials never interleave within a line this short.
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def report(step, score):
    print("@nightshift " + json.dumps({"step": step, "score": score}), flush=True)


fault, variant = fault_of(u)
note("start", fault=fault, variant=variant)
report(1, u / 2)

if fault == "crash":
    if variant == 0:
        raise RuntimeError(f"injected crash in trial {trial_id}")
    if variant == 1:
        os.kill(os.getpid(), signal.SIGSEGV)
    sys.stdout.write("@nightshift {\"step\": 2, \"sco")
    sys.stdout.flush()
    os._exit(1)

if fault == "hang":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        time.sleep(3600)

if fault == "garbage":
    out = sys.stdout.buffer
    out.write(bytes(range(256)) + b"\n")
    out.write(b"@nightshift {not json at all\n")
    out.write(b"@nightshift {\"step\": \"two\", \"score\": NaN}\n")
    out.write(b"@nightshift [1, 2, 3]\n")
    if variant == 2:
        out.write(b"x" * (1 << 20) + b"\n")
    out.write(b"\xff\xfe@nightshift {\"step\": 2, \"score\": 1e999}\n")
    out.flush()
    sys.stderr.write("\x1b[31mgarbage on stderr\x1b[0m\n" * 50)

if fault == "daemonize":
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            # The classic daemon, minus the care: it keeps the inherited stdio and its environment.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(3600)
            os._exit(0)
        os._exit(0)

report(2, u)
note("end")
