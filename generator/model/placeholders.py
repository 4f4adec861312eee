"""Placeholder text that ``dealsite new`` writes for an editor to replace.

The scaffold (``generator/scaffold/deal.yaml``) fills a new deal with ``TITLE``, ``PLACE``
and a summary that describes what to write. Left in, they would publish a page titled
"TITLE": while the deal is a draft they are a warning, and once it is not (it would go
live) an error (``load.py``).
"""

from __future__ import annotations

import re
from typing import Iterator

# Words the scaffold writes in capitals where the deal's own words go.
WORDS = ("TITLE", "PLACE")
WORDS_RE = re.compile(r"\b(?:" + "|".join(WORDS) + r")\b")
# The scaffold's summary, which says what a summary is rather than being one.
SUMMARY = "What the place gets, what it promises, and who answers for it."


def placeholders(data: object, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of each text value of a deal file's data that is still the scaffold's."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from placeholders(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from placeholders(value, path + (i,))
    elif isinstance(data, str) and (WORDS_RE.search(data) or data.strip() == SUMMARY):
        yield path, data


def placeholder_message(text: str, draft: bool) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    if draft:
        return f"{shown} is placeholder text from dealsite new (write the deal's own words here before removing draft: true)"
    return f"{shown} is placeholder text from dealsite new, and this deal is not a draft (write the deal's own words here, or put back draft: true until it is filled in)"
