"""The build's notion of "now", shared by embargoes, progress and page footers.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes it, so that two
builds of the same input are byte-identical and tests can move time. It must be a
whole number of seconds since 1970-01-01 00:00 UTC, written in ASCII digits, up to
the end of 2200 (the last year a deal's dates may name): anything else is a
:class:`SourceDateEpochError`, never a traceback or a site dated by a typo. Nor may it be
later than the real clock: embargoes are judged at the build's "now", so a build dated in the
future (say from a commit's back-dated-forward time, as CI often sets the variable) would
publish embargoed items early. Previews of held-back items are ``dealsite serve --drafts``;
a build that really is to be dated later (this project's tests move time) says so with
``DEALSITE_FUTURE_CLOCK=1`` beside the variable.
"""

from __future__ import annotations

import datetime as dt
import os
import re

# The end of 2200, the last year a date in a deal may have (types.LAST_YEAR).
LATEST = int(dt.datetime(2201, 1, 1, tzinfo=dt.timezone.utc).timestamp()) - 1
_SECONDS = re.compile(r"[0-9]{1,11}")  # ASCII digits: int() would also read "١٧٠٠"


class SourceDateEpochError(Exception):
    """SOURCE_DATE_EPOCH is set to something that is not a time the build can use.

    Its message is one line naming SOURCE_DATE_EPOCH, for the command line to print.
    """


def source_date_epoch() -> dt.datetime | None:
    """The moment SOURCE_DATE_EPOCH names, or None when it is not set (or set empty)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    if not _SECONDS.fullmatch(epoch) or int(epoch) > LATEST:
        shown = epoch if len(epoch) <= 30 else epoch[:30] + "..."
        raise SourceDateEpochError(
            f"SOURCE_DATE_EPOCH={shown!r} is not a time (expected whole seconds since 1970-01-01 UTC, "
            f"from 0 to {LATEST}, e.g. 1767225600; or unset it to use the current time)"
        )
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)


SKEW = dt.timedelta(minutes=5)  # clocks of CI machines differ a little


def build_time() -> dt.datetime:
    now = dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
    fixed = source_date_epoch()
    if fixed is not None and fixed > now + SKEW and os.environ.get("DEALSITE_FUTURE_CLOCK") != "1":
        raise SourceDateEpochError(
            f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']!r} is {fixed.isoformat()}, later than now "
            f"({now.isoformat()}): a build dated in the future would publish embargoed items early "
            "(unset it; preview held-back items with dealsite serve --drafts; or set DEALSITE_FUTURE_CLOCK=1 to mean it)"
        )
    return fixed or now
