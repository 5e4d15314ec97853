"""GuardedExecute: nbgrader's Execute with the kernel guard around every test cell."""
from __future__ import annotations

import ast
import json
import os
import time
from typing import Any

from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Integer

from ._assignment import definitions, import_lines
from ._metadata import (
    CELL_TIMEOUT, INTEGRITY, KERNEL_DIED, KERNEL_STUCK, NOT_RUN, SEED_VARIABLE, error_output, record, source_cells,
)

#: The switch of ``%load_ext leakkit`` (``leakkit.ipython.ENV_SWITCH``; not imported from
#: there, so grading does not need IPython's magics machinery in this process).
LIVE_SWITCH = "LEAKKIT_LIVE"


class GuardedExecute(Execute):
    """nbgrader's Execute with the kernel guard around test cells, kernel start failures
    retried, and a kernel that dies or stops answering turned into failed cells instead of
    a lost notebook. What the guard finds goes into the notebook's ``leakkit`` metadata."""

    kernel_start_retries = Integer(
        2, help="How many times a kernel that fails to start is started again before the submission fails."
    ).tag(config=True)

    def _guard(self, when: str, arg: str, cell: str, secret: str = "") -> list[str] | None:
        expr = (f"__import__('leakkit.autograde._guard', fromlist=['kernel_guard'])"
                f".kernel_guard({when!r}, {arg!r}, {secret!r})")
        t0 = time.perf_counter()
        try:
            msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"leakkit": expr})
            reply = self.wait_for_reply(msg_id)
        except Exception as exc:  # noqa: BLE001 - recorded, grading goes on
            return self._guard_failed(when, cell, f"it could not run ({type(exc).__name__})")
        finally:
            self._record["guard_seconds"] = self._record.get("guard_seconds", 0.0) + time.perf_counter() - t0
        result = ((reply or {}).get("content", {}).get("user_expressions") or {}).get("leakkit") or {}
        if result.get("status") != "ok":
            return self._guard_failed(when, cell, f"it could not run ({str(result.get('evalue') or '?')[:120]})")
        try:
            data = json.loads(ast.literal_eval(result["data"]["text/plain"]))
        except (KeyError, ValueError, SyntaxError, TypeError):
            return self._guard_failed(when, cell, "it returned something unexpected")
        if not data.get("ok"):
            return self._guard_failed(when, cell, f"it failed ({data.get('error', '?')})")
        return list(data.get("changes", []))

    def _guard_failed(self, when: str, cell: str, why: str) -> None:
        # Before any learner code ran, a failure is the environment's (no leakkit in the
        # kernel, another language): a note. Later, the learner's code may be why.
        self._event("guard-off" if when == "start" else "guard", cell, why)
        return None

    def _event(self, kind: str, cell: str, text: str) -> None:
        self._record["events"].append({"kind": kind, "cell": cell, "text": text})

    def _start_kernel(self) -> Any:
        """Enter ``setup_kernel`` with the grading secret kept out of the kernel's environment,
        retrying a kernel that fails to start (a busy machine, not the learner's fault).

        The kernel gets ``LEAKKIT_LIVE=off``: the releases' setup cells run ``%load_ext leakkit``
        for the learner; while grading, the extension loads switched off, so it records
        nothing, shows nothing and cannot change what the tests see or score (the hidden
        tests run their own tracer)."""
        env = {k: v for k, v in os.environ.items() if k != SEED_VARIABLE}
        env[LIVE_SWITCH] = "off"
        for attempt in range(self.kernel_start_retries + 1):
            ctx = self.setup_kernel(env=env)
            try:
                ctx.__enter__()
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                if info_msg:
                    self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                return ctx
            except Exception as exc:  # noqa: BLE001 - retried, then raised
                if self.km is not None:
                    try:
                        self._cleanup_kernel()
                    except Exception:  # noqa: BLE001
                        pass
                self.km, self.kc = None, None
                if attempt == self.kernel_start_retries:
                    raise
                self.log.warning("The kernel did not start (%s: %s); starting it again (%d of %d)",
                                 type(exc).__name__, exc, attempt + 1, self.kernel_start_retries)
                self._record["notes"].append(f"the kernel failed to start and was started again ({exc})")
                time.sleep(2.0 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> tuple[Any, Any]:
        from nbclient.client import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._record = record(self.nb)
        cells = source_cells(resources, self.config) if "nbgrader" in (resources or {}) else []
        ctx = self._start_kernel()
        try:
            self._run_cells(resources, import_lines(cells), definitions(cells))
        finally:
            ctx.__exit__(None, None, None)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _run_cells(self, resources: Any, imports: str, defined: dict[str, list[str]]) -> None:
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        language = (self.nb.metadata.get("language_info") or {}).get("name", "python")
        secret = os.environ.get(SEED_VARIABLE, "")
        guarded = language == "python" and self._guard("start", imports, "start", secret) is not None
        self._record["guard"] = "on" if guarded else "off"
        stop: str | None = None
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
            if stop is not None:
                if cell.source.strip():
                    cell.outputs = [error_output(NOT_RUN, stop)]
                continue
            graded = utils.is_grade(cell)
            if graded and guarded:
                for c in self._guard("check", "", name) or []:
                    self._event("restored", name, c)
            try:
                self.preprocess_cell(cell, resources, index)
            except DeadKernelError:
                cell.outputs.append(error_output(
                    KERNEL_DIED, "the kernel died while running this cell (os._exit, a crash, or out of memory)"))
                stop = f"not run: the kernel died in cell {name}"
                self._event("crashed", name, "the kernel died")
                continue
            except CellTimeoutError:
                cell.outputs.append(error_output(
                    KERNEL_STUCK, f"this cell ran past {self.timeout} s and the kernel did not stop when interrupted"))
                stop = f"not run: the kernel stopped answering in cell {name}"
                self._event("timed out", name, "the kernel ignored the interrupt")
                continue
            if any(o.get("ename") == CELL_TIMEOUT for o in cell.outputs if o.get("output_type") == "error"):
                self._event("timed out", name, f"interrupted after {self.timeout} s")
            if guarded and name in defined and cell.metadata.get("nbgrader", {}).get("locked"):
                self._guard("bind", ",".join(defined[name]), name)
            if graded and guarded:
                changes = self._guard("check", "", name)
                if changes:
                    for c in changes:
                        self._event("tampered", name, c)
                    cell.outputs.append(error_output(
                        INTEGRITY, "while this test ran, code replaced what the test relies on: "
                        + "; ".join(changes[:5]) + ". The test scores zero."))
