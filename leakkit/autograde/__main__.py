"""``python -m leakkit.autograde --worker``: a grading worker (started by ``leakkit grade``)."""
import sys

from ._pool import worker_main

if len(sys.argv) == 2 and sys.argv[1] == "--worker":
    sys.exit(worker_main())
print("usage: leakkit grade ASSIGNMENT [--jobs N] [--course DIR]  (this module's own entry is for workers)",
      file=sys.stderr)
sys.exit(2)
