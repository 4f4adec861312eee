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
from ..model.load import reserved_slug
from ..model.clock import build_time
from ..model.limits import MAX_SLUG, RESERVED_SLUGS
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
here as a "# heading". {link}
"""
# With a deal named, a link to its page; without, how to write one (as code: a link to no
# page would stop dealsite check and the build).
_LINK = "Link to a deal's page like this: [the deal](../deals/{slug}.md)."
_HOW_TO_LINK = "Link to a deal's page like this: `[the deal](../deals/SLUG.md)`, with the deal's file name for SLUG."


class Refused(Exception):
    """Nothing was written; the message says why."""


def new_deal(deals_dir: Path, slug: str) -> Path:
    """deals_dir/SLUG.yaml from the commented scaffold (generator/scaffold/deal.yaml)."""
    if not SLUG_RE.fullmatch(slug) or len(slug) > MAX_SLUG:  # match() would let "kent\n" through
        raise Refused(f"{slug[:MAX_SLUG]!r} is not a slug (expected at most {MAX_SLUG} lowercase letters, digits and hyphens)")
    if slug in RESERVED_SLUGS:
        raise Refused(reserved_slug(slug))
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
    if not _is_text(title):  # from a terminal or a script in another encoding than UTF-8
        raise Refused("the title is not text in UTF-8 (check the terminal's encoding)")
    _folder(content_dir, "--content-dir or docs_dir in mkdocs.yml")
    _folder(deals_dir, "--deals-dir or deals_dir in mkdocs.yml")
    known = {p.stem for p in deals_dir.glob("*.yaml") if not p.name.startswith("_")}
    for slug in deals:
        if slug not in known:
            shown = slug if SLUG_RE.fullmatch(slug) else repr(slug)[:MAX_SLUG]  # one line, whatever was typed
            raise Refused(f"{shown} is not a known deal (expected one of {', '.join(sorted(known)) or 'none'}, from {deals_dir})")
    target = content_dir / UPDATES_DIR / f"{day.isoformat()}-{slugify(title)}.md"
    if target.exists():
        raise Refused(f"{target} already exists")
    if target.parent.exists() and not target.parent.is_dir():
        raise Refused(f"{target.parent} is not a folder")
    text = UPDATE_TEMPLATE.format(
        title=json.dumps(title, ensure_ascii=False),
        date=day.isoformat(),
        deals=", ".join(deals),
        link=_LINK.format(slug=deals[0]) if deals else _HOW_TO_LINK,
    )
    # Refused now rather than written and then refused by dealsite check (a title too long, a
    # control character): the same rules, from the same code.
    problems = update_problems(target, text.encode("utf-8"), known)
    if problems:
        raise Refused("; ".join(f"{p.field or 'the file'}: {p.message}" for p in problems))
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: bytes Python could not decode
        return False
    return True


def _folder(path: Path, named_by: str) -> None:
    if not path.is_dir():
        raise Refused(f"{path} is not a folder (is {named_by} right?)")
