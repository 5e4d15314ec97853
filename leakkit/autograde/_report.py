"""The cohort report (text, CSV, plot) and the progress line while grading."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, TextIO

from ._summary import NOT_GRADED, SUMMARY_COLUMNS


class CohortReport:
    """The outcome of grading a cohort: one row per submission, and what needs a person.

    Parameters
    ----------
    assignment : str
        The assignment's name.
    summary : pandas.DataFrame
        One row per student with the columns ``student``, ``status`` ("graded",
        "crashed", "timed out": graded as far as it ran; "failed", "stopped", "empty",
        "not graded": no grade, left out of the statistics), ``score`` and ``max_score``
        (nbgrader's totals, written answers included once graded by hand), ``auto_score``,
        ``auto_max_score`` and ``auto_percent`` (the automatically graded tests; empty when
        not graded), ``failed_tests`` (their grade ids), ``manual_cells`` (written answers
        still to grade by hand), ``needs_review``, ``flags`` (why a person should look),
        ``notes`` (handled automatically, for the record), ``seconds`` and ``graded_now``
        (False for submissions graded by an earlier run).
    out_dir : path, optional
        Where :meth:`write` puts ``summary.csv`` and ``scores.png``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [{"student": "ada", "status": "graded", "score": 4.0, "max_score": 5.0, "auto_score": 4.0,
    ...          "auto_max_score": 4.0, "auto_percent": 100.0, "failed_tests": "", "manual_cells": 1,
    ...          "needs_review": False, "flags": "", "notes": "", "seconds": 3.2, "graded_now": True},
    ...         {"student": "bo", "status": "crashed", "score": 1.0, "max_score": 5.0, "auto_score": 1.0,
    ...          "auto_max_score": 4.0, "auto_percent": 25.0, "failed_tests": "test_cv", "manual_cells": 0,
    ...          "needs_review": True, "flags": "crashed: the kernel died", "notes": "", "seconds": 2.0,
    ...          "graded_now": True},
    ...         {"student": "cy", "status": "failed", "score": None, "max_score": 5.0, "auto_score": None,
    ...          "auto_max_score": 4.0, "auto_percent": None, "failed_tests": "", "manual_cells": 0,
    ...          "needs_review": True, "flags": "not graded: the notebook is not valid JSON", "notes": "",
    ...          "seconds": 1.0, "graded_now": True}]
    >>> report = CohortReport("week1", pd.DataFrame(rows))
    >>> list(report.needs_review["student"]), list(report.not_graded["student"])
    (['bo', 'cy'], ['cy'])
    >>> print(report.headline())
    1 of 2 graded submissions passed every automatic test (median 62 %); 1 not graded; 2 need a human look
    """

    def __init__(self, assignment: str, summary: Any, out_dir: str | os.PathLike | None = None):
        import pandas as pd

        if not isinstance(summary, pd.DataFrame):
            raise TypeError(f"summary: expected a pandas DataFrame, got {type(summary).__name__}.")
        missing = [col for col in SUMMARY_COLUMNS if col not in summary.columns]
        if missing:
            raise ValueError(f"summary: missing columns {missing}; pass the frame grade_cohort builds.")
        self.assignment = assignment
        self.summary = summary.reset_index(drop=True)
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.seconds: float | None = None
        self.jobs: int | None = None
        self.csv_path: Path | None = None
        self.plot_path: Path | None = None

    @property
    def needs_review(self) -> Any:
        """The rows a person should look at (crashed, timed out, tampered, not gradable)."""
        return self.summary[self.summary["needs_review"].astype(bool)]

    @property
    def not_graded(self) -> Any:
        """The rows without a grade (failed, stopped, empty, interrupted): not in the statistics."""
        return self.summary[self.summary["status"].isin(NOT_GRADED)]

    @property
    def graded(self) -> Any:
        """The rows with a grade: the statistics are theirs."""
        return self.summary[~self.summary["status"].isin(NOT_GRADED)]

    @property
    def needs_manual_grading(self) -> Any:
        """The rows with written answers still to be graded by hand."""
        return self.summary[self.summary["manual_cells"].fillna(0).astype(int) > 0]

    def headline(self) -> str:
        """One sentence stating the cohort's result (also the plot's title)."""
        pct = self.graded["auto_percent"].astype(float).dropna()
        full = int((pct >= 100.0 - 1e-9).sum())
        med = f" (median {pct.median():.0f} %)" if len(pct) else ""
        n_not = len(self.not_graded)
        missing = f"; {n_not} not graded" if n_not else ""
        k = len(self.needs_review)
        look = "none needs a human look" if k == 0 else f"{k} need{'s' if k == 1 else ''} a human look"
        return f"{full} of {len(self.graded)} graded submissions passed every automatic test{med}{missing}; {look}"

    def __str__(self) -> str:
        s = self.summary
        now = int(s["graded_now"].astype(bool).sum())
        took = f" in {self.seconds:.1f} s" if self.seconds is not None else ""
        jobs = f" ({self.jobs} at a time)" if self.jobs else ""
        earlier = len(s) - now
        lines = [f"{self.assignment}: {len(s)} submissions, {now} graded now{took}{jobs}"
                 + (f", {earlier} kept from an earlier run" if earlier else "") + ".", self.headline() + "."]
        pct = self.graded["auto_percent"].astype(float).dropna()
        if len(pct):
            lines.append(f"Automatic tests ({len(pct)} graded submissions): mean {pct.mean():.0f} %, "
                         f"median {pct.median():.0f} %, {int((pct <= 1e-9).sum())} at zero.")
        if len(self.not_graded):
            lines.append(f"Not graded, left out of these figures ({len(self.not_graded)}): "
                         f"{', '.join(map(str, self.not_graded['student']))}.")
        review = self.needs_review
        if len(review):
            lines.append(f"Needs a human look ({len(review)}):")
            width = max(len(str(x)) for x in review["student"])
            for _, r in review.iterrows():
                flags = str(r["flags"]).split("; ")
                lines.append(f"  {str(r['student']):<{width}}  {r['status']:<10}  {flags[0]}")
                lines += [f"  {'':<{width}}  {'':<10}  {f}" for f in flags[1:]]
        manual = self.needs_manual_grading
        if len(manual):
            cells = int(manual["manual_cells"].sum())
            who = f": {', '.join(map(str, manual['student']))}" if len(manual) <= 12 else ""
            lines.append(f"Needs manual grading: {cells} answer cell{'s' if cells != 1 else ''} in {len(manual)} "
                         f"submission{'s' if len(manual) != 1 else ''} (grade them in nbgrader's formgrader){who}.")
        if self.csv_path is not None:
            lines.append(f"Summary: {self.csv_path}")
        if self.plot_path is not None:
            lines.append(f"Plot:    {self.plot_path}")
        return "\n".join(lines)

    def plot(self, ax: Any = None) -> Any:
        """Histogram of the graded submissions' automatic scores, those needing a look in red.

        Returns the matplotlib Axes; its title is :meth:`headline`.
        """
        import numpy as np

        from leakkit import plot as lkplot

        with lkplot.use_style():
            if ax is None:
                from matplotlib.figure import Figure

                ax = Figure().subplots()
            s = self.graded
            pct = s["auto_percent"].astype(float).fillna(0.0).clip(0, 100)
            bad = s["needs_review"].astype(bool).to_numpy()
            edges = np.linspace(0, 100, 11)
            idx = np.minimum(np.digitize(pct.to_numpy(), edges[1:-1], right=False), 9)
            ok_counts = np.bincount(idx[~bad], minlength=10)
            bad_counts = np.bincount(idx[bad], minlength=10)
            centers = edges[:-1] + 5
            ax.bar(centers, ok_counts, width=9, color=lkplot.COLORS["honest"], label="graded, nothing to check")
            ax.bar(centers, bad_counts, width=9, bottom=ok_counts, color=lkplot.COLORS["leaky"],
                   label="needs a human look")
            ax.set_xlim(0, 100)
            ax.set_xticks(edges)
            ax.set_xlabel("automatically graded points earned (%)")
            ax.set_ylabel("submissions")
            top = int((ok_counts + bad_counts).max()) if len(s) else 1
            ax.set_yticks(range(0, top + 1, max(1, (top + 1) // 6)))
            ax.set_ylim(0, top * 1.3 + 0.5)  # room for the legend above the bars
            ax.set_title(self.headline().replace("; ", "\n"), loc="left")
            ax.legend(loc="upper center", ncol=2)
        return ax

    def write(self, out_dir: str | os.PathLike | None = None) -> tuple[Path, Path]:
        """Write ``summary.csv`` and ``scores.png``; returns their paths."""
        folder = Path(out_dir) if out_dir is not None else self.out_dir
        if folder is None:
            raise ValueError("out_dir: no folder to write to; pass one, e.g. report.write('grades/week1').")
        folder.mkdir(parents=True, exist_ok=True)
        self.csv_path = folder / "summary.csv"
        self.summary.to_csv(self.csv_path, index=False, float_format="%.6g")
        ax = self.plot()
        self.plot_path = folder / "scores.png"
        ax.figure.savefig(self.plot_path)
        return self.csv_path, self.plot_path


class Progress:
    """A plain-text progress line on a stream (redrawn in place on a terminal, one line
    per submission otherwise)."""

    def __init__(self, total: int, stream: TextIO | None, label: str):
        self.total, self.stream, self.label = total, stream, label
        self.done = 0
        self.flagged = 0
        self.t0 = time.monotonic()
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    @staticmethod
    def _clock(seconds: float) -> str:
        seconds = int(round(seconds))
        return f"{seconds // 60}:{seconds % 60:02d}"

    def update(self, student: str, what: str, problem: bool) -> None:
        self.done += 1
        self.flagged += int(problem)
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.t0
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        tail = f" ({self.flagged} to look at)" if self.flagged else ""
        if self.tty:
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}  {self._clock(elapsed)} elapsed, "
                              f"~{self._clock(eta)} left{tail}   ")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{self.label} [{bar}] {self.done}/{self.total} {student}: {what} "
                              f"({self._clock(elapsed)} elapsed, ~{self._clock(eta)} left){tail}\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(("\n" if self.tty and self.done else "") + text + "\n")
            self.stream.flush()
