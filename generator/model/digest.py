"""The one cache policy: what a cache keeps is keyed by the content it was made from.

A cached value is looked up by a digest of its inputs' content (a file's bytes, or the values
it was computed from), never by an object's identity, a file's modification time or a list of
dependencies kept by hand: a file saved again unchanged is a hit, and a change that keeps the
size and the time is a miss. A value is never changed once it is stored. Every process-wide
cache registers how to empty it here, so :func:`forget_caches` is the one place to forget them
all. ARCHITECTURE.md ("What is cached, and why") lists the caches.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from decimal import Decimal
from enum import Enum
from typing import Any, Callable, Optional

from pydantic import BaseModel, PrivateAttr


def digest(*parts: bytes | str) -> bytes:
    """A BLAKE2b digest of the parts in order, each with its length (so ("ab", "c") and
    ("a", "bc") differ); text as UTF-8."""
    found = hashlib.blake2b()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        found.update(len(data).to_bytes(8, "little"))
        found.update(data)
    return found.digest()


_SCALARS = (str, int, float, Decimal, dt.date, dt.time, dt.timedelta, Enum)


def digest_of(value: Any) -> bytes:
    """The digest of a value's content: a :class:`Digested` model's own, any other model's
    JSON, a sequence's or mapping's items in order, a set's in any order, and a scalar's
    type and repr (exact for these types)."""
    if isinstance(value, Digested):
        return value.digest
    if isinstance(value, BaseModel):
        return digest("model", type(value).__qualname__, value.model_dump_json())
    if isinstance(value, (list, tuple)):
        return digest("items", *map(digest_of, value))
    if isinstance(value, dict):  # in order: the order of a mapping is shown
        return digest("mapping", *(digest_of(part) for item in value.items() for part in item))
    if isinstance(value, (set, frozenset)):
        return digest("set", *sorted(map(digest_of, value)))
    if isinstance(value, bytes):
        return digest("bytes", value)
    if value is None or isinstance(value, _SCALARS):
        return digest("value", type(value).__qualname__, repr(value))
    raise TypeError(f"no content digest for a {type(value).__qualname__}")


class Digested(BaseModel):
    """A model that carries the digest of what it was made from: a loaded deal or update, of its
    file's name and bytes (set once by the loader, before the model is shared).

    The digest is not a field: it is in no schema and no download, and equality compares the
    fields alone, as before. A copy with changed fields gets the digest of its old one and the
    changes; a model made any other way, the digest of its JSON.
    """

    _digest: Optional[bytes] = PrivateAttr(None)

    @property
    def digest(self) -> bytes:
        found = self._digest
        return found if found is not None else digest("model", type(self).__qualname__, self.model_dump_json())

    def model_copy(self, *, update: Optional[dict[str, Any]] = None, deep: bool = False):  # type: ignore[override]
        copied = super().model_copy(update=update, deep=deep)
        if update:
            try:
                copied._digest = digest("copy", self.digest, *(part for name in sorted(update) for part in (name, digest_of(update[name]))))
            except TypeError:  # a value digest_of does not know: the copy's JSON tells
                copied._digest = None
        return copied

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__ and self.__pydantic_extra__ == other.__pydantic_extra__


def stamped(model: Digested, value: bytes) -> Digested:
    """``model``, given the digest of what it was made from: only while nothing else holds it."""
    model._digest = value
    return model


_FORGETTERS: list[Callable[[], None]] = []


def cache(forget: Callable[[], None]) -> Callable[[], None]:
    """Register how to empty a process-wide cache (its ``clear``); returns it."""
    _FORGETTERS.append(forget)
    return forget


class Bounded(dict):
    """A process-wide cache of at most ``maximum`` entries, registered with :func:`cache`.
    Past its bound it starts again, empty: simpler than least-recently-used, and a long
    preview session only reads again what it needs."""

    def __init__(self, maximum: int):
        super().__init__()
        self.maximum = maximum
        cache(self.clear)

    def keep(self, key, value):
        """Store ``value`` under ``key`` (emptying the cache first if it is full); returns it."""
        if len(self) >= self.maximum:
            self.clear()
        self[key] = value
        return value


def memoised(maxsize: int) -> Callable[[Callable], Callable]:
    """``functools.lru_cache`` for a pure function (keyed by content: its arguments), registered
    to be emptied by :func:`forget_caches`."""

    def wrap(function: Callable) -> Callable:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        cache(cached.cache_clear)
        return cached

    return wrap


def forget_caches() -> None:
    """Empty every cache of the process: parsed files, computed budgets, compiled templates,
    memoised functions and preview servers' kept pages. A one-off build calls this once its
    pages are made, so a thousand deals do not stay in memory while MkDocs renders; tests call
    it to start from nothing."""
    for forget in _FORGETTERS:
        forget()
