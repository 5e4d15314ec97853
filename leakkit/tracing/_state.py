"""State shared by the patched layer and the traces: the method names listened to, the open
traces, and each thread's own call stack."""
from __future__ import annotations

import threading

_FIT_METHODS = ("fit", "fit_transform", "partial_fit", "fit_predict", "fit_resample")
_TRANSFORM_METHODS = ("transform",)
_PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "score", "score_samples",
                    "staged_predict", "staged_predict_proba", "staged_decision_function")
_METHODS = _FIT_METHODS + _TRANSFORM_METHODS + _PREDICT_METHODS
_DUCK_PREDICT = ("predict", "predict_proba", "decision_function", "transform")
# A duck-typed model's fit must take the data first, under one of these names.
_DUCK_DATA_ARGS = {"x", "data", "x_train", "xtrain", "train_x", "features", "df", "dataset", "pool", "train",
                   "inputs", "train_data", "samples", "train_pool"}

_lock = threading.RLock()
_active: list = []  # open traces, any thread
_local = threading.local()
# (id(obj), method, id(descriptor)) -> (obj, wrapper): one wrapper per bound method while
# tracing (sklearn looks methods up many times); cleared when the last trace ends.
_bound_cache: dict[tuple, tuple] = {}


def _stack() -> list:
    s = getattr(_local, "stack", None)
    if s is None:
        s = _local.stack = []
    return s


def _mine() -> list:
    """The open traces of this thread; other threads' traces note the call as unseen."""
    tracers = _active
    if not tracers:
        return []
    tid = threading.get_ident()
    mine = [t for t in tracers if t._thread == tid]
    if len(mine) != len(tracers):
        for t in tracers:
            if t._thread != tid:
                t._other_thread()
    return mine
