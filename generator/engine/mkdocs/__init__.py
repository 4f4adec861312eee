"""The MkDocs adapter: the only place that imports mkdocs or material.

It runs on MkDocs 1.6 or on ProperDocs (the maintained MkDocs 1.x fork, its own ``properdocs``
module). ProperDocs answers to the name ``mkdocs`` only once ``properdocs.replacement`` has
been imported, which its own command does first thing and a plain Python process
(``dealsite build``) does not: so this package, which Python runs before any of its modules,
makes sure the name exists. Where both are installed, MkDocs is used, except under
``properdocs build/serve``, which have put ProperDocs in place already.

ProperDocs logs as ``properdocs.*``; our plugin and page generators log as
``mkdocs.plugins.dealsite``. Its command makes the ``mkdocs`` logger a child of
``properdocs``; a build called as a function (``dealsite build``) must do the same, or our
warnings would not count in strict mode and our progress would not be shown. :data:`ENGINE`
names the logger the engine's own messages go to.
"""

from __future__ import annotations

import logging

try:
    import mkdocs as _engine
except ImportError:  # ProperDocs alone
    # The alias first: only then does the name ``mkdocs`` exist (sys.modules["mkdocs"] is then
    # properdocs). Keep this order; an import sorter swapped it once.
    import properdocs.replacement  # noqa: F401  # isort: skip
    import mkdocs as _engine  # isort: skip

ENGINE: str = _engine.__name__  # "mkdocs", or "properdocs" standing in for it
if ENGINE != "mkdocs":
    logging.getLogger("mkdocs").parent = logging.getLogger(ENGINE)
