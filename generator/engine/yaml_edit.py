"""Edits to a ruamel.yaml round-trip document that leave every comment where it stands.

ruamel.yaml keeps the lines that follow a value (blank lines and comments standing on their
own line) with that value's key, together with the comment at the end of the key's line. So
``del mapping[key]`` deletes the comment written above the next key, and a key or list item
added at the end lands below a comment that was about what comes next. These edits move
those lines with the change: what stood above the next key, item or outcome still does.
Only the comment at the end of a deleted key's own line goes with it.
"""

from __future__ import annotations

from typing import Any, Optional

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

# Where ruamel.yaml keeps the comment after a value in ``.ca.items[key]``.
_AFTER_MAPPING_VALUE, _AFTER_SEQUENCE_ITEM = 2, 0


def _tail(node: Any, key: Optional[Any] = None) -> tuple[Any, Any, int]:
    """Where the lines after node[key] (after node's last value, if key is None) are kept.

    A block collection's last line is its last value's, so the lines after it are kept by
    the innermost last key or item."""
    while True:
        if key is None:
            key = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
            node, key = value, None
            continue
        return node, key, _AFTER_MAPPING_VALUE if isinstance(node, CommentedMap) else _AFTER_SEQUENCE_ITEM


def _ends_its_lines(where: tuple[Any, Any, int]) -> bool:
    """Whether the value is a block scalar (| or >): its last line ends with the value, so what
    is kept after it is the lines that follow, with no line of its own to end first."""
    node, key, _ = where
    present = key in node if isinstance(node, CommentedMap) else 0 <= key < len(node)
    return present and isinstance(node[key], (LiteralScalarString, FoldedScalarString))


def _take(where: tuple[Any, Any, int]) -> str:
    """The lines after a value, removed from where they are kept (a comment on its own line stays)."""
    node, key, place = where
    slot = node.ca.items.get(key)
    token = slot[place] if slot else None
    if token is None:
        return ""
    if _ends_its_lines(where):
        slot[place] = None
        return token.value
    own_line, _, after = token.value.partition("\n")
    token.value = own_line + "\n"  # in place: a flow collection's comment is the same token
    if not own_line:
        slot[place] = None  # a bare line break after a flow item runs the next item onto its line
    return after


def _give(where: tuple[Any, Any, int], lines: str) -> None:
    """Put lines after a value (and after the comment at the end of its line, if any)."""
    if not lines:
        return
    node, key, place = where
    slot = node.ca.items.setdefault(key, [None, None, None, None])
    token = slot[place]
    if token is None:
        slot[place] = CommentToken(("" if _ends_its_lines(where) else "\n") + lines, CommentMark(0))
    else:
        token.value = token.value + ("" if token.value.endswith("\n") else "\n") + lines


def put(mapping: CommentedMap, key: str, value: Any) -> None:
    """mapping[key] = value; a new key goes last, above the lines that followed the last value."""
    if not mapping:
        mapping[key] = value
        return
    where = _tail(mapping, key) if key in mapping else _tail(mapping)
    lines = _take(where)
    mapping[key] = value
    _give(_tail(mapping, key), lines)


def unflow(mapping: CommentedMap, key: str) -> None:
    """Make the flow collection mapping[key] a block one; the lines after it, kept with the key
    while it was written on the key's line, stay below it (the comment at the line's end stays
    with the key)."""
    lines = _take(_tail(mapping, key))
    mapping[key].fa.set_block_style()
    _give(_tail(mapping, key), lines)


def _take_head(holder: CommentedMap, key: str) -> str:
    """The lines above the first key or item of holder[key], removed from where they are kept:
    after holder's key (with the comment at its line's end), or as lines before the collection."""
    lines = _take((holder, key, _AFTER_MAPPING_VALUE))
    slot = holder.ca.items.get(key)
    if slot and slot[3]:
        lines += "".join(t.value if t.value.startswith("\n") else " " * t.column + t.value for t in slot[3])
        slot[3] = None
        holder[key].ca.comment = None  # the same lines, as the collection's own; not written, but kept in step
    return lines


def above(holder: Any, key: Any, index: Optional[int] = None) -> tuple[Any, Any, int]:
    """Where the lines above the first key of the mapping holder[key], or of the mapping that
    is item index of the list holder[key], are kept: after holder's key (or the item before)."""
    if index:
        return _tail(holder[key], index - 1)
    return holder, key, _AFTER_MAPPING_VALUE


def delete(mapping: CommentedMap, key: str, above_it: tuple[Any, Any, int]) -> None:
    """del mapping[key], the lines after its value staying where they are: after the key before
    it or, if it was the first, above the new first key, where above_it (see above) keeps them.
    If it was the only key, they stay after the mapping, which above_it is too."""
    keys = list(mapping)
    lines = _take(_tail(mapping, key))
    del mapping[key]
    at = keys.index(key)
    _give(_tail(mapping, keys[at - 1]) if at else above_it, lines)


def insert(holder: CommentedMap, key: str, at: int, item: Any) -> None:
    """holder[key].insert(at, item); the lines after the item before it (or, at 0, the lines
    above the first item) stay above the item after it."""
    sequence = holder[key]
    lines = _take(_tail(sequence, at - 1)) if at else _take_head(holder, key)
    sequence.insert(at, item)
    _give(_tail(sequence, at), lines)
