"""Wall time and peak memory of one command, counting every process it starts.

Memory is the peak over time of the summed PSS of the process tree, sampled about every
10 ms, so that a tool which forks workers (or a wrapper that execs the real tool) is
measured whole and shared pages are not counted once per worker. The child's own
`ru_maxrss` from `wait4` is a floor: it catches a peak that fell between two samples.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SAMPLE_SECONDS = 0.01
STDERR_TAIL = 2000


@dataclass(frozen=True)
class Measurement:
    """How long a command ran and the most memory its process tree held at once."""

    seconds: float
    peak_mib: float


def _read(path: str) -> str | None:
    try:
        with open(path) as file:
            return file.read()
    except OSError:   # the process ended, or its files are not ours to read
        return None


def _field_kib(text: str | None, name: str) -> int | None:
    for line in (text or "").splitlines():
        if line.startswith(name):
            return int(line.split()[1])
    return None


def _memory_kib(pid: int) -> int:
    """PSS of one process, or its RSS where smaps_rollup cannot be read; 0 once it is gone."""
    pss = _field_kib(_read(f"/proc/{pid}/smaps_rollup"), "Pss:")
    if pss is not None:
        return pss
    return _field_kib(_read(f"/proc/{pid}/status"), "VmRSS:") or 0


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, from every one of its threads' `children` files."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        text = _read(f"/proc/{pid}/task/{task}/children")
        if text:
            found += [int(child) for child in text.split()]
    return found


def tree_kib(root: int) -> int:
    """Summed memory (KiB) of `root` and all its descendants right now."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _memory_kib(pid)
        pending += _children(pid)
    return total


class _Sampler(threading.Thread):
    """Samples the tree under `pid` until stopped, keeping the largest total."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak_kib = max(self.peak_kib, tree_kib(self.pid))
            self.stopped.wait(SAMPLE_SECONDS)


def _tail(file: BinaryIO) -> str:
    file.seek(0)
    text = file.read().decode(errors="replace").strip()
    return text[-STDERR_TAIL:]


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None,
                 sample: bool = True) -> Measurement:
    """Run `command` in `cwd` (with environment `env`, else this one) and measure it.

    With `sample`, a thread reads the memory of the process tree every 10 ms; on a
    machine with two cores that takes time from the build, so a run that is timed
    is better not sampled (its peak is then the largest process's, from rusage).
    Raises RuntimeError with the end of the command's stderr if it exits non-zero.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        sampler = _Sampler(process.pid)
        if sample:
            sampler.start()
        try:
            # wait4 rather than Popen.wait: it also hands back the child's rusage.
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            sampler.stopped.set()
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - started
        sampler.stopped.set()
        if sample:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            tail = _tail(err) or _tail(out)
            raise RuntimeError(f"{' '.join(map(str, command))} exited with "
                               f"{process.returncode} in {cwd}:\n{tail}")
    peak_kib = max(sampler.peak_kib, usage.ru_maxrss)
    return Measurement(seconds=seconds, peak_mib=peak_kib / 1024)
