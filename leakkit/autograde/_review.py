"""FlagForReview: what the protection found, made visible to a person in nbgrader's own tools."""
from __future__ import annotations

from typing import Any

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from ._metadata import record


def event_flags(events: list[dict[str, str]]) -> tuple[list[str], list[str], set[str]]:
    """The guard's events as (flags, one per test cell and kind; notes; test cells concerned)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for e in events:
        grouped.setdefault((e.get("kind", ""), e.get("cell", "")), []).append(e.get("text", ""))
    flags, notes, cells = [], [], set()
    for (kind, cell), texts in grouped.items():
        what = ", ".join(dict.fromkeys(texts))
        if kind == "restored":
            flags.append(f"tampered before test '{cell}' (undone by the grader): {what}")
            cells.add(cell)
        elif kind == "tampered":
            flags.append(f"tampered while test '{cell}' ran (the test scored 0): {what}")
            cells.add(cell)
        elif kind == "guard":
            flags.append(f"the grader could not check the kernel around '{cell}': {what}")
            cells.add(cell)
        elif kind == "guard-off":
            notes.append(f"the kernel guard was off for this submission: {what}")
    return flags, notes, cells


class FlagForReview(NbGraderPreprocessor):
    """After ``SaveAutoGrades``: what the protection found becomes visible to a person.
    Test cells concerned (tampered around them, or after suspicious code) are marked
    "needs manual grade" in the gradebook, keeping their automatic score; a short note
    opens the autograded notebook; each flag is logged as a warning."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        rec = record(nb)
        flags, notes, cells = event_flags(rec["events"])
        static = list(rec["flags"])
        if static:
            cells |= self._tests_after_suspicious_cells(nb, static)
            cells |= {f.split("'")[1] for f in static if f.startswith("tampered: ") and f.count("'") >= 2}
        everything = static + flags
        info = resources["nbgrader"]
        for f in everything:
            self.log.warning("leakkit: %s needs a human look: %s", info.get("student", "?"), f)
        rec["review"] = everything
        rec["notes"] = list(dict.fromkeys(rec["notes"] + notes))
        if not everything:
            return nb, resources
        graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if utils.is_grade(c) and c.cell_type == "code"]
        if not cells & set(graded) and graded:
            cells.add(graded[0])  # structural tampering: the first test stands for the submission
        from nbgrader.api import Gradebook

        with Gradebook(info["db_url"]) as gb:
            for name in sorted(cells & set(graded)):
                grade = gb.find_grade(name, info["notebook"], info["assignment"], info["student"])
                grade.needs_manual_grade = True
            gb.db.commit()
        import nbformat

        lines = "\n".join(f"- {f}" for f in everything)
        note = nbformat.v4.new_markdown_cell(
            f"**Grading note (leakkit).** This submission needs a human look:\n\n{lines}\n\n"
            f"Tests marked *needs manual grade*: {', '.join(sorted(cells & set(graded)))}.")
        note.metadata = {"leakkit": "review note"}
        nb.cells.insert(0, note)
        return nb, resources

    @staticmethod
    def _tests_after_suspicious_cells(nb: Any, flags: list[str]) -> set[str]:
        """The first test cell after each learner cell that a flag names."""
        named = {f.split("'")[1] for f in flags if f.startswith("suspicious code in cell '")}
        numbered = {f.split("cell ")[1].split(":")[0] for f in flags
                    if f.startswith("suspicious code in cell ") and "'" not in f.split(":")[0]}
        out, pending = set(), False
        for i, c in enumerate(nb.cells):
            gid = c.metadata.get("nbgrader", {}).get("grade_id")
            if gid in named or str(i + 1) in numbered:
                pending = True
            elif pending and gid and utils.is_grade(c) and c.cell_type == "code":
                out.add(gid)
                pending = False
        return out
