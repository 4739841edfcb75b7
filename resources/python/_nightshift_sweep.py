"""Ending what a trial left running in a reused Python trainer process (see nightshift.run): the processes
of its process group and the daemons carrying its NIGHTSHIFT_TRIAL_TOKEN, as the end of a trial process would.
Part of the helper (nightshift.py imports it); the engine puts this folder on PYTHONPATH. Linux only."""
import os
import signal
import sys
import time

_SWEEP_GRACE_S = 2.0
# The start time's place in _stat's fields (field 22 of /proc/PID/stat, counted from the state, field 3).
_STARTTIME = 19
_PIDFD = hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")


def own_processes(token):
    """Live processes (not this one) in this process's group, or carrying ``token`` in their environment (a
    daemon that left the group keeps what it inherited), as (pid, start time) pairs: a pid alone may be
    reused by an unrelated process once its own has ended. The group counts only when this process leads
    it, as the engine starts it: run by hand or from a script, the group is the caller's. Linux only."""
    me, group = os.getpid(), os.getpgrp()
    own_group = group == me
    needle = ("\0NIGHTSHIFT_TRIAL_TOKEN=%s\0" % token).encode() if token else None
    try:
        names = os.listdir("/proc")
    except OSError:
        return set()
    found = set()
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        fields = _stat(name)
        if fields is None or fields[0] == b"Z" or len(fields) <= _STARTTIME:
            continue
        try:
            if own_group and int(fields[2]) == group:
                found.add((int(name), fields[_STARTTIME]))
            elif needle is not None:
                with open("/proc/%s/environ" % name, "rb") as f:
                    if needle in b"\0" + f.read():
                        found.add((int(name), fields[_STARTTIME]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def sweep(token, before):
    """Ends the processes a trial started and left running (a server, a data loader's workers, a daemon), as
    the end of a trial process would; the next trial must not share the machine with them. Processes that
    were there before the trial (started when the script loaded) are kept."""
    left = [_Pinned(pid, start) for pid, start in own_processes(token) - before]
    try:
        left = [p for p in left if p.alive()]
        if not left:
            return
        pids = ", ".join(str(p.pid) for p in sorted(left, key=lambda p: p.pid))
        print("nightshift: ending %d process(es) the trial left running: %s" % (len(left), pids), file=sys.stderr, flush=True)
        for p in left:
            p.signal(signal.SIGTERM)
        deadline = time.monotonic() + _SWEEP_GRACE_S
        while time.monotonic() < deadline:
            _reap(p.pid for p in left)
            left = [p for p in left if p.alive()]
            if not left:
                return
            time.sleep(0.02)
        for p in left:
            p.signal(signal.SIGKILL)
        _reap((p.pid for p in left), block=True)
    finally:
        for p in left:
            p.close()


class _Pinned:
    """A process the scan found, held by a pidfd where Linux and Python give one (Python 3.9+, Linux 5.3+):
    a pidfd names that process, never a later one that reuses its pid, so no signal reaches a stranger. It
    is taken only if the pid still has the start time the scan saw. Without pidfds the start time is checked
    again right before each signal: a window of microseconds instead of the whole sweep."""

    def __init__(self, pid, start):
        self.pid, self.start, self.fd = pid, start, None
        self.fallback = not _PIDFD
        if not _PIDFD:
            return
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:  # ended already
            return
        except OSError:  # a kernel without pidfds (before Linux 5.3)
            self.fallback = True
            return
        if self.alive():
            self.fd = fd
        else:
            os.close(fd)

    def alive(self):
        fields = _stat(self.pid)
        return fields is not None and fields[0] != b"Z" and len(fields) > _STARTTIME and fields[_STARTTIME] == self.start

    def signal(self, sig):
        try:
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, sig)
            elif self.fallback and self.alive():
                os.kill(self.pid, sig)
        except OSError:
            pass

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _stat(pid):
    """The fields of /proc/PID/stat after the command name (state first, process group third), or None."""
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            stat = f.read()
        return stat[stat.rindex(b")") + 2:].split()
    except (OSError, ValueError):
        return None


def _reap(pids, block=False):
    """Collects the exit status of those of ``pids`` that are this process's ended children (no zombies);
    ``block``: waits for them (after SIGKILL, which nothing can hold off)."""
    for pid in pids:
        try:
            os.waitpid(pid, 0 if block else os.WNOHANG)
        except OSError:  # not our child (a daemon), or collected already
            pass
