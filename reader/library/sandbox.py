"""Work on an untrusted file in a child process, where a crash or a hang costs that file.

PDFium is C: a hostile PDF can crash it, hang it or make it allocate without end, and
in-process that would take the window, the indexer or a worker's whole share of files
down with it. So the product's calls into it run in a child process: one request at a
time (a pickle in, a pickle out, on pipes), under a time limit per request and a cap on
the child's memory. A child that dies or overruns is killed and the request raises
SandboxFailure with the reason; the next request starts a new child. A child is kept
between requests (starting one costs ~0.1 s: Python and PDFium), one per thread that
asks (threads never share a pipe); it dies with its parent, or when its thread calls
close_sandbox().

    result = sandboxed("reader.library.pdf_extract", "extract", path, timeout=60)
"""

from __future__ import annotations

import importlib
import os
import pickle
import resource
import select
import signal
import subprocess
import sys
import threading
import time

_LENGTH = 8
MEMORY_LIMIT = 3 << 30  # bytes of address space a child may map: a 300-page scan fits, a bomb does not
DEFAULT_TIMEOUT = 60.0  # seconds for one request
# A child that grew past this (Python keeps the heap a 300-page PDF's text took) is
# stopped after its answer, so an idle child holds ~40 MB, not the largest file it read.
RECYCLE_ABOVE = 96 << 20


class SandboxFailure(Exception):
    """The child crashed, overran its time, or raised: the message says which, in words."""


class Sandbox:
    """One child process and its pipes."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None

    def call(self, module: str, function: str, *args, timeout: float = DEFAULT_TIMEOUT):
        """module.function(*args) run in the child; its result, or SandboxFailure."""
        proc = self._child()
        try:
            _write(proc.stdin, (module, function, args))
            answer = _read(proc.stdout, time.monotonic() + timeout)
        except _TimedOut:
            self.close()
            raise SandboxFailure(f"took longer than {timeout:.0f} s, so it was stopped") from None
        except (EOFError, OSError, pickle.UnpicklingError):
            code = self.close()
            raise SandboxFailure(_death(code)) from None
        if _resident(proc.pid) > RECYCLE_ABOVE:
            self.close()
        kind, value = answer
        if kind == "error":
            raise SandboxFailure(value)
        return value

    def _child(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-m", "reader.library.sandbox"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        return self.proc

    def close(self) -> int | None:
        """Stop the child (a new one starts at the next call); its exit code."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        code = proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        return code


    def __del__(self):
        self.close()


# Keyed by the OS thread, not threading.local: a Qt worker thread enters Python afresh for
# each job it runs, with a new thread state each time, so a threading.local would be
# empty at every job and each request would start (and leak) a child.
_boxes: dict[int, Sandbox] = {}
_boxes_lock = threading.Lock()


def sandboxed(module: str, function: str, *args, timeout: float = DEFAULT_TIMEOUT):
    """Run module.function(*args) in this thread's child process (see Sandbox.call)."""
    with _boxes_lock:
        box = _boxes.get(threading.get_ident())
        if box is None:
            box = _boxes[threading.get_ident()] = Sandbox()
    return box.call(module, function, *args, timeout=timeout)


def close_sandbox() -> None:
    """Stop this thread's child, if it has one (a thread that is done with files)."""
    with _boxes_lock:
        box = _boxes.pop(threading.get_ident(), None)
    if box is not None:
        box.close()


def _resident(pid: int) -> int:
    """A process's resident memory in bytes (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


class _TimedOut(Exception):
    pass


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"its reader crashed ({name})"
    return "its reader stopped" + (f" (exit code {code})" if code else "")


def _write(pipe, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(data).to_bytes(_LENGTH, "big") + data)
    pipe.flush()


def _read(pipe, deadline: float | None = None):
    size = int.from_bytes(_read_exactly(pipe, _LENGTH, deadline), "big")
    return pickle.loads(_read_exactly(pipe, size, deadline))


def _read_exactly(pipe, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    fd = pipe.fileno()
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise _TimedOut
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve() -> None:
    """The child: answer requests from stdin until it closes."""
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the answers
    while True:
        try:
            module, function, args = _read(stdin)
        except EOFError:
            return
        try:
            answer = ("ok", getattr(importlib.import_module(module), function)(*args))
        except MemoryError:
            answer = ("error", "it needs more memory than a file may have")
        except Exception as exc:  # noqa: BLE001 - reported to the parent in words
            answer = ("error", str(exc) or type(exc).__name__)
        _write(stdout, answer)


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    _serve()
