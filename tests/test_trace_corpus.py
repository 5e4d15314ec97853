"""The tracer corpus (tests/trace_corpus/): each leaky script is caught with exactly the
checks it expects; each clean twin, written the honest way, stays silent."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "trace_corpus"))
import run as corpus  # noqa: E402


@pytest.mark.parametrize("path", corpus.scripts(), ids=lambda p: p.stem)
def test_leaky_script_is_caught_and_its_clean_twin_is_silent(path):
    r = corpus.judge(path)
    assert r["found"] == r["expect"], f"{r['script']}: expected {sorted(r['expect'])}, found {sorted(r['found'])}"
    assert r["silent"], f"{r['script']}: the clean twin was flagged: {r['clean_findings']}"


def test_the_corpus_is_large_enough():
    assert len(corpus.scripts()) >= 35
