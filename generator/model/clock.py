"""The build's notion of "now", shared by embargoes, progress and page footers.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes it, so that two
builds of the same input are byte-identical and tests can move time.
"""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> dt.datetime | None:
    """The moment SOURCE_DATE_EPOCH names, or None when it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc) if epoch else None


def build_time() -> dt.datetime:
    return source_date_epoch() or dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
