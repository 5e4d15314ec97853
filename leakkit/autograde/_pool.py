"""Grading worker processes: long-lived, one submission at a time, killed with their kernels.

Each worker is ``python -m leakkit.autograde --worker``, in a session of its own. It
imports nbgrader while the driver reads the course, then reads its configuration (one JSON
line) and student ids (JSON lines) on stdin, grades each with nbgrader's autograder (with
the course's configuration, protected by :func:`leakkit.autograde.preprocessors.configure`)
and answers one JSON line per student. A submission that takes longer than the deadline is
stopped by killing the worker and every process under it (psutil), its kernel included.
Failures that are the machine's, not the learner's (a gradebook write that lost a race, a
kernel that did not start, a worker that died), are retried a limited number of times.
"""
from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RETRIES = 2  # infrastructure failures retried per submission before it is reported not graded
_INFRASTRUCTURE = re.compile(
    r"database is locked|Kernel died before replying to kernel_info|Kernel didn't respond|"
    r"kernel_info|Timeout waiting for (?:IOPub|kernel)|Address already in use|ZMQError|"
    r"Too many open files|Resource temporarily unavailable", re.I)


def is_infrastructure_failure(reply: dict) -> bool:
    """Whether a failed grading failed because of the machine rather than the submission."""
    if reply.get("worker_died"):
        return True
    if reply.get("success") or reply.get("deadline"):
        return False
    return bool(_INFRASTRUCTURE.search((reply.get("error") or "") + (reply.get("log") or "")))


def kill_tree(pid: int) -> None:
    """Kill ``pid`` and every process under it (jupyter_client starts each kernel in a
    session of its own, so killing the worker's process group would leave it running)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=10)


def worker_main() -> int:
    """A grading worker (see the module docstring)."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed (nbgrader, kernels) goes to the log
    sys.stdout = sys.stderr
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from ._course import course_config
    from .preprocessors import configure

    first = sys.stdin.readline()
    if not first.strip():
        return 0  # the driver had nothing for this worker
    spec = json.loads(first)["spec"]
    os.environ.update(spec.get("env", {}))  # read by GuardedExecute, handed to the kernel's guard
    cfg = course_config(Path(spec["root"]))
    cfg.CourseDirectory.db_url = spec["db_url"]
    cfg.Execute.shutdown_kernel = "immediate"  # the notebook is done: no need to wait for a clean exit
    configure(cfg)
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        t0 = time.perf_counter()
        try:
            res = api.autograde(spec["assignment"], req["student"], force=True, create=True)
        except Exception as exc:  # noqa: BLE001 - reported, the worker goes on
            import traceback

            res = {"success": False, "error": traceback.format_exc(), "log": str(exc)}
        proto.write(json.dumps({
            "student": req["student"], "success": bool(res.get("success")),
            "error": (res.get("error") or "")[-4000:], "log": (res.get("log") or "")[-4000:],
            "seconds": time.perf_counter() - t0,
        }) + "\n")
    return 0


class Worker:
    """One long-lived grading process. Started before the driver knows the assignment (so
    importing nbgrader overlaps the driver's own set-up); its configuration follows as the
    first line on its stdin. Its log (stderr) is a temporary file until :meth:`save_log`."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd
        self.spec: dict | None = None
        self.proc: subprocess.Popen | None = None
        self.ready = False
        self.lines: queue.Queue[str | None] = queue.Queue()
        fd, name = tempfile.mkstemp(prefix="leakkit-worker-", suffix=".log")
        os.close(fd)
        self.log = Path(name)

    def start(self) -> None:
        with self.log.open("a", encoding="utf-8") as logf:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "leakkit.autograde", "--worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=logf, env=self.env, cwd=str(self.cwd), text=True, bufsize=1,
                start_new_session=True)
        self.ready = False
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self.lines), daemon=True).start()
        if self.spec is not None:
            self._send({"spec": self.spec})

    def configure(self, spec: dict) -> None:
        self.spec = spec
        if self.proc is not None and self.proc.poll() is None:
            self._send({"spec": spec})

    def _send(self, msg: dict) -> bool:
        try:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError, AssertionError):
            return False

    def save_log(self, dest: Path | None) -> None:
        """Append the worker's log to ``dest`` (None: drop it)."""
        try:
            if dest is not None and self.log.exists() and self.log.stat().st_size:
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("a", encoding="utf-8") as out:
                    out.write(self.log.read_text(encoding="utf-8", errors="replace"))
            self.log.unlink(missing_ok=True)
        except OSError:
            pass

    @staticmethod
    def _read(proc: subprocess.Popen, lines: queue.Queue) -> None:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.put(line)
        except (OSError, ValueError):
            pass
        finally:
            lines.put(None)
            proc.stdout.close()

    def _next_message(self, timeout: float) -> dict | None:
        """The next JSON line within ``timeout`` seconds; None when the worker ended or went quiet."""
        end = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                return {"ended": True}
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue

    def grade(self, student: str, deadline: float) -> dict:
        """Grade one submission; a reply dict, or ``{"deadline": True}`` / ``{"worker_died": True}``."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        while not self.ready:
            msg = self._next_message(600.0)  # importing nbgrader; the deadline starts after
            if msg is None or msg.get("ended"):
                self.kill()
                return {"worker_died": True}
            self.ready = bool(msg.get("ready"))
        if not self._send({"student": student}):
            self.kill()
            return {"worker_died": True}
        end = time.monotonic() + deadline
        while True:
            msg = self._next_message(max(0.0, end - time.monotonic()))
            if msg is None:
                self.kill()
                return {"deadline": True}
            if msg.get("ended"):
                self.kill()
                return {"worker_died": True}
            if msg.get("student") == student:
                return msg

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        self.ready = False
        if proc is None:
            return
        kill_tree(proc.pid)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass

    def close(self) -> None:
        """Let the worker finish (end of its input), or kill it if it does not."""
        proc = self.proc
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)
            self.proc = None
            self.ready = False
        except (subprocess.TimeoutExpired, OSError, BrokenPipeError):
            self.kill()


def run_workers(todo: list[str], *, workers: list[Worker], spec: dict, env: dict, cwd: Path, deadline: float,
                on_result: Callable[[str, dict, int, float], None]) -> None:
    """Grade ``todo`` with ``workers`` (one thread each feeds its worker from a shared
    queue); ``on_result(student, reply, attempts, wall_seconds)`` is called, in this thread,
    as each final outcome arrives. Infrastructure failures are graded again, up to
    :data:`RETRIES` times, on a fresh worker."""
    if not todo:
        return
    tasks: queue.Queue[tuple[str, int]] = queue.Queue()
    for s in todo:
        tasks.put((s, 0))
    results: queue.Queue[tuple[str, int, dict, float]] = queue.Queue()
    stop = threading.Event()
    lock = threading.Lock()
    for w in workers:
        w.configure(spec)

    def slot(i: int) -> None:
        with lock:
            if i >= len(workers):  # a slot added to finish retried submissions
                workers.append(Worker(env, cwd))
                workers[-1].configure(spec)
            w = workers[i]
        try:
            while not stop.is_set():
                try:
                    student, attempt = tasks.get_nowait()
                except queue.Empty:
                    break
                t = time.perf_counter()
                reply = w.grade(student, deadline)
                reply.setdefault("log_path", str(w.log))
                results.put((student, attempt, reply, time.perf_counter() - t))
        finally:
            w.close()

    threads = [threading.Thread(target=slot, args=(i,), daemon=True) for i in range(len(workers))]
    for t in threads:
        t.start()
    pending = len(todo)
    try:
        while pending:
            try:
                student, attempt, reply, wall = results.get(timeout=0.5)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and results.empty():
                    if tasks.empty():
                        break
                    threads.append(threading.Thread(target=slot, args=(len(threads),), daemon=True))
                    threads[-1].start()
                continue
            if is_infrastructure_failure(reply) and attempt < RETRIES:
                tasks.put((student, attempt + 1))
                continue
            on_result(student, reply, attempt + 1, wall)
            pending -= 1
    except BaseException:
        stop.set()
        with lock:
            for w in list(workers):
                w.kill()
        raise
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

