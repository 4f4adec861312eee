"""New files to fill in: ``dealsite new`` (a deal) and ``dealsite new-update`` (an update).

Each writes one file that did not exist, and refuses (:class:`Refused`, with the reason)
rather than overwrite anything.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Optional, Sequence

from ..model import LONDON, SLUG_RE
from ..model.clock import build_time
from ..model.updates import UPDATES_DIR, slugify, update_problems

UPDATE_TEMPLATE = """---
title: {title}
date: {date}
deals: [{deals}]
summary: >-
  One or two sentences for the lists of updates and the feeds.
# publish_after: {date}T09:30:00+00:00   # optional embargo (or a date: midnight UK time)
draft: true   # remove when it is ready to publish
---

The text of the update, in Markdown. The title above is the page's heading: do not repeat it
here as a "# heading". Link to a deal's page like this: [the deal](../deals/{link}.md).
"""


class Refused(Exception):
    """Nothing was written; the message says why."""


def new_deal(deals_dir: Path, slug: str) -> Path:
    """deals_dir/SLUG.yaml from the commented scaffold (generator/scaffold/deal.yaml)."""
    if not SLUG_RE.fullmatch(slug):  # match() would let "kent\n" through ($ matches before a newline)
        raise Refused(f"{slug!r} is not a slug (expected lowercase letters, digits and hyphens)")
    _folder(deals_dir, "--deals-dir or deals_dir in mkdocs.yml")
    target = deals_dir / f"{slug}.yaml"
    if target.exists():
        raise Refused(f"{target} already exists")
    target.write_text(resources.files("generator").joinpath("scaffold/deal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def new_update(content_dir: Path, deals_dir: Path, title: str, deals: Sequence[str], date: Optional[str]) -> Path:
    """content_dir/updates/DATE-SLUG.md, a draft about ``deals`` (slugs of deals in deals_dir),
    dated ``date`` (YYYY-MM-DD; default today, UK time)."""
    try:
        day = dt.date.fromisoformat(date) if date else build_time().astimezone(LONDON).date()
    except ValueError:
        raise Refused(f"{date!r} is not a date (expected YYYY-MM-DD)") from None
    title = " ".join(title.split())
    if not title:
        raise Refused("the title is empty")
    _folder(content_dir, "--content-dir or docs_dir in mkdocs.yml")
    _folder(deals_dir, "--deals-dir or deals_dir in mkdocs.yml")
    known = {p.stem for p in deals_dir.glob("*.yaml") if not p.name.startswith("_")}
    for slug in deals:
        if slug not in known:
            raise Refused(f"{slug} is not a known deal (expected one of {', '.join(sorted(known)) or 'none'}, from {deals_dir})")
    target = content_dir / UPDATES_DIR / f"{day.isoformat()}-{slugify(title)}.md"
    if target.exists():
        raise Refused(f"{target} already exists")
    text = UPDATE_TEMPLATE.format(
        title=json.dumps(title, ensure_ascii=False),
        date=day.isoformat(),
        deals=", ".join(deals),
        link=deals[0] if deals else "SLUG",
    )
    # Refused now rather than written and then refused by dealsite check (a title too long, a
    # control character): the same rules, from the same code.
    problems = update_problems(target, text.encode("utf-8"), known)
    if problems:
        raise Refused("; ".join(f"{p.field or 'the file'}: {p.message}" for p in problems))
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _folder(path: Path, named_by: str) -> None:
    if not path.is_dir():
        raise Refused(f"{path} is not a folder (is {named_by} right?)")
