# The course's commands. Each target creates .venv (standard-library venv + pip) when it is
# missing or older than pyproject.toml, with leakkit's `course` extra (JupyterLab, nbgrader,
# matplotlib, pytest, nbval) and `dev` tools, then runs with .venv/bin first on PATH, so
# nbgrader finds its `alembic` and `jupyter` executables without any PATH tricks by the user.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
JOBS   ?= 2
# What `make install` puts in .venv: the whole course and the test tools (pyproject.toml's extras).
EXTRAS := course,dev

# Jupyter refuses to run as root unless told; containers and CI run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

export PATH := $(BIN):$(PATH)
# Two cores: one thread per BLAS/OpenMP pool, so parallel workers do not oversubscribe them.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install lab test quick notebooks solutions exercises bench clean

help:
	@echo "make lab        open the course in JupyterLab (ARGS=--no-browser on a headless machine)"
	@echo "make test       the whole must-pass suite (unit, notebooks, grading round trip)"
	@echo "make quick      unit tests only: fast iteration"
	@echo "make notebooks  rebuild notebooks/ from notebooks/src/ (ARGS=04 for one)"
	@echo "make solutions  rebuild solutions/ from exercises_src/ (ARGS=<assignment> for one)"
	@echo "make exercises  regenerate exercises/ from solutions/ with nbgrader"
	@echo "make bench      run benchmarks/ and print their figures"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0) if v >= (3, 11) else sys.exit("leakkit needs Python 3.11 or newer, but $(PYTHON) is %d.%d: run make PYTHON=python3.12 (or any 3.11+)" % v[:2])'
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

# JupyterLab 4 starts from LabApp.default_url (ServerApp.default_url is overridden by it and
# would open the launcher). tools/lab/ holds nbgrader settings for a laptop: a private exchange
# folder, so nbgrader's Assignments panel opens instead of "The exchange directory does not exist".
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/tools/lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab --LabApp.default_url=/lab/tree/notebooks/01_data_leakage.ipynb $(ROOT_FLAG) $(ARGS)

# Everything that must pass: unit, doctest, grading and browser tests, then every notebook
# in notebooks/ and solutions/ executed from a fresh kernel by nbval (key result cells
# output-checked). Two workers for two cores; each test file stays on one worker.
test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile tests --doctest-modules leakkit
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax notebooks solutions

# Fast loop while developing: unit tests and doctests, no notebooks, nothing slow.
quick: $(STAMP)
	$(BIN)/python -m pytest -q -n $(JOBS) -m "not slow and not nbgrader and not browser" tests --doctest-modules leakkit

notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py $(ARGS)

solutions: $(STAMP)
	$(BIN)/python tools/build_solutions.py $(ARGS)

exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis submitted autograded feedback gradebook.db
