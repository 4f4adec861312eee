"""The build's notion of "now", shared by embargoes, progress and page footers.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes it, so that two
builds of the same input are byte-identical and tests can move time.
"""

from __future__ import annotations

import datetime as dt
import os


def build_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
