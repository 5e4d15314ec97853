"""How nbval compares the live checks' boxes in the course notebooks (``pytest --nbval-lax notebooks``).

Every course notebook loads ``%load_ext leakkit``, so a **Wrong** cell that completes a leak
has a box among its outputs, and nbval checks it like the rest of a tagged cell's output:
the leak, its code, its message and fix must come out again. One part cannot: nbval runs
cells without storing them in the kernel's history, so they have no execution count, and
the box's "Where: ... in cell [3] → evaluated in cell [5]" note (and the ``cell`` field of
its JSON data) exist only in a run with prompts (the build, JupyterLab). Those are left
out of the comparison; everything else in the box is compared.
"""
from __future__ import annotations

#: The live checks' JSON outputs: the same content as their text and HTML, plus cell numbers.
LIVE_JSON = ("application/vnd.leakkit.findings+json", "application/vnd.leakkit.not-checked+json")
#: The box's "Where:" note, in its text and its HTML form.
WHERE_NOTE = {
    r"\n *Where: [^\n]*\bcell \[\d+\][^\n]*": "",
    r'<div style="opacity:0\.8;font-size:90%">Where: [^<]*\bcell \[\d+\][^<]*</div>': "",
}


def pytest_collection_modifyitems(session, config, items):
    seen = set()
    for item in items:
        nb = getattr(item, "parent", None)
        if id(nb) in seen or not hasattr(nb, "skip_compare") or not hasattr(nb, "sanitize_patterns"):
            continue  # not an nbval notebook
        seen.add(id(nb))
        nb.skip_compare = tuple(nb.skip_compare) + LIVE_JSON
        nb.sanitize_patterns.update(WHERE_NOTE)
