#!/usr/bin/python3
"""A launcher as hostile as Hydra's mpiexec: runs the real launcher given as
its first argument with the rest, and on SIGTERM sends SIGKILL at once to
every process below it (no grace for the ranks), then exits.

If KILL_AT_ONCE_LOG names a file, it gets a line "known PID" for each
process it had seen below it and "alive PID" for those still alive (not
zombies) when SIGTERM came, which it killed: a test can check that the
ranks were seen and none was alive then, that is, that the launcher was
told to stop only after every rank had been.
The processes are listed ahead of time (every 50 ms) so that the handler
acts within microseconds of the signal, as Hydra does."""
import os
import signal
import subprocess
import sys
import threading
import time


def descendants(root):
    """pid -> state letter of every process below root, from /proc."""
    children, state = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
        state[int(name)] = fields[0]
    out, todo = {}, [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out[c] = state[c]
            todo.append(c)
    return out


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


known = {}  # the processes below, listed ahead of time so that the handler acts within microseconds
seen = set()  # every process ever listed below (for the log)


def watch():
    global known
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # the main thread takes it, at once
    while True:
        known = descendants(os.getpid())  # a fresh list: a pid that left may be reused
        seen.update(known)
        time.sleep(0.05)


def kill_all(signum, frame):
    alive = [p for p in list(known) if state(p) not in ("Z", "gone")]
    for p in alive:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    log = os.environ.get("KILL_AT_ONCE_LOG")
    if log:
        with open(log, "w") as f:
            f.write("".join(f"known {p}\n" for p in sorted(seen)) + "".join(f"alive {p}\n" for p in alive))
    for p in descendants(os.getpid()):
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, kill_all)
threading.Thread(target=watch, daemon=True).start()
sys.exit(subprocess.call(sys.argv[1:]))
