"""nbgrader settings for `make lab` on a laptop (loaded through JUPYTER_CONFIG_PATH).

nbgrader's Assignments panel lists what an instructor released to an *exchange* folder,
by default /usr/local/share/nbgrader/exchange, which a laptop does not have: the panel then
shows "The exchange directory does not exist". A self-paced learner needs no exchange (the
exercises are already in exercises/), so `make lab` points nbgrader at a private, empty
exchange in the Jupyter data folder; the panel opens and lists no course assignments.

A JupyterHub course sets its own shared `c.Exchange.root` in a system-wide
nbgrader_config.py; `make lab` is not used there. The course's settings (source and release
folders, timeouts) stay in the repository's nbgrader_config.py, which nbgrader also loads.
"""
import os

from jupyter_core.paths import jupyter_data_dir

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

_exchange = os.environ.get("LEAKKIT_EXCHANGE") or os.path.join(jupyter_data_dir(), "leakkit-nbgrader-exchange")
os.makedirs(_exchange, exist_ok=True)
c.Exchange.root = _exchange
