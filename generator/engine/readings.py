"""Outcome readings through a spreadsheet: export a deal's readings, fill in new ones, import them.

Outcome owners keep their figures in spreadsheets. ``dealsite readings export SLUG -o
FILE.csv`` (or ``.ods``) writes one row per reading of each outcome, and one empty row per
outcome for the next reading; ``dealsite readings import FILE`` writes the new and changed
readings into ``deals/SLUG.yaml`` with ruamel.yaml's round trip, so the file keeps its
comments, order and layout and only the readings' lines change. The sheet's columns and its
CSV and OpenDocument forms are in sheet.py; its rows read as readings, in readings_rows.py.

An import is all or nothing: every bad cell is reported with its row and column and nothing
is written; the deal as it would be is checked with the same loader as ``dealsite check``
before the file is replaced (atomically). A row removed from the sheet removes nothing: the
import only adds and changes readings. An unchanged export imported again writes nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import re
import shutil
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional

from pydantic import TypeAdapter, ValidationError

from ..model.assemble import DEFLATORS_FILE, POWERS_FILE, ROUNDS_FILE
from ..model.limits import shorten
from ..model.load import InvalidDeals, load_catalogue
from ..model.problems import Problem
from ..model.types import Moment
from .readings_rows import _deal, _parse, _Row
from .sheet import ReadingsError, read_sheet, sheet_bytes, sheet_rows

__all__ = ["ReadingsError", "export_readings", "import_readings"]

_MOMENT = TypeAdapter(Moment)


def export_readings(deals_dir: Path, slug: str, output: Path) -> int:
    """Write the deal's readings sheet to output (.csv or .ods); the number of rows."""
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".ods"):
        raise ReadingsError(f"{output} should end in .csv or .ods")
    if not output.parent.is_dir():
        raise ReadingsError(f"cannot write {output}: the folder {output.parent} does not exist (make it first, or name another)")
    rows = sheet_rows(_deal(deals_dir, slug))
    data = sheet_bytes(rows, suffix)
    _write_atomically(output, data)
    return len(rows)


# --- import: the sheet's rows as readings, written into the deal's file --------------------


def import_readings(deals_dir: Path, sheet: Path) -> str:
    """Write the sheet's new and changed readings into the deal's file; what was done, in words."""
    rows = read_sheet(sheet)
    slug, parsed = _parse(sheet, rows, None, deals_dir)
    path = deals_dir / f"{slug}.yaml"
    mark, original, newline = _as_written(path)
    # ruamel.yaml ends what it writes with a line break: a file without one gets it to be read,
    # and loses it again when written.
    final = original.endswith("\n")
    original += "" if final else "\n"
    yaml = _round_tripper(original, path)
    data = yaml.load(original)
    added, changed = _apply(data, parsed)
    if not added and not changed:
        return f"no reading is new or changed: {path} is unchanged"
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    text = buffer.getvalue() if final else buffer.getvalue()[:-1]
    written = (mark + text.replace("\n", newline)).encode("utf-8")
    _validate(deals_dir, slug, written, path)
    _write_atomically(path, written)
    return f"wrote {path}: {added} new reading{'s' * (added != 1)}, {changed} changed; run dealsite check, then review the change"


def _as_written(path: Path) -> tuple[str, str, str]:
    """The deal file's byte order mark (or ""), its text with LF line endings, and the line
    ending it uses, so that it is written back with them: otherwise every line would change."""
    text = path.read_bytes().decode("utf-8")  # the loader has read it: UTF-8, perhaps with a mark
    mark = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(mark):]
    crlf = text.count("\r\n")
    if text.count("\r") != crlf or (crlf and text.count("\n") != crlf):
        raise ReadingsError(
            f"{path} mixes line endings, or ends lines with CR alone: save it with LF or CRLF line endings throughout, or add the readings by hand"
        )
    return mark, text.replace("\r\n", "\n"), "\r\n" if crlf else "\n"


# The longest line ruamel.yaml writes before it folds a value onto the next: longer than any
# line of a deal file (at most 1,000,000 bytes), since a folded line is a changed line.
_WIDTH = 1_000_000
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0))


def _round_tripper(original: str, path: Path):
    """A ruamel.yaml round tripper that writes this file back exactly as it is (indentation as
    the file has it); refused if none does, since then the import would rewrite lines it was
    not asked to, naming the first."""
    from ruamel.yaml import YAML

    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    first = None  # the layout's first line written differently, from the layout that goes furthest
    for mapping, sequence, offset in _LAYOUTS:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = _WIDTH
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        # --- above the deal and ... below it, as the file has them (ruamel.yaml drops both)
        yaml.explicit_start = original.startswith("---\n")
        yaml.explicit_end = original.endswith("\n...\n")
        buffer = io.StringIO()
        try:
            data = yaml.load(original)
        except YAMLError as error:
            # The project's loader is more lenient in places (a tab before a comment): the file
            # is valid, but the round trip cannot read it, so it cannot be written back.
            mark = getattr(error, "problem_mark", None) if isinstance(error, MarkedYAMLError) else None
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            problem = getattr(error, "problem", None) or "cannot be read"
            problem = "it has a tab where YAML wants spaces" if "'\\t'" in problem else problem
            raise ReadingsError(
                f"{where}: the import cannot read this line to write it back ({problem}): change it, or add the readings by hand"
            ) from None
        yaml.dump(data, buffer)
        if buffer.getvalue() == original:
            return yaml
        found = _first_change(original, buffer.getvalue())
        first = found if first is None or found[0] > first[0] else first
    raise ReadingsError(_unchanged_impossible(path, *first))


def _first_change(original: str, written: str) -> tuple[int, str, Optional[str]]:
    """(its number, from 1; the line; the line written instead, or None if it would be left
    out) for the first line of original written differently, or before which a line is added."""
    old, new = original.split("\n"), written.split("\n")  # as an editor counts lines; differ if the texts do
    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    # A few lines on, enough to tell a line left out or added from one changed; not the whole
    # file, which a layout that differs everywhere would make slow to match.
    window = difflib.SequenceMatcher(None, old[at:at + 50], new[at:at + 50], autojunk=False)
    tag, i, _, j, _ = next(op for op in window.get_opcodes() if op[0] != "equal")
    at += i
    if tag == "delete":
        return at + 1, old[at], None
    if tag == "insert":
        return at + 1, "", new[at - i + j]
    return at + 1, old[at], new[at - i + j]


def _unchanged_impossible(path: Path, number: int, line: str, instead: Optional[str]) -> str:
    """Why the import cannot write the deal file back, in words that say what to change."""
    where = f"{path}:{number}: the import cannot write this file back unchanged"
    if instead is None:
        return f"{where}: it would leave this line out ({shorten(line.strip())}): change it, or add the readings by hand"
    if not line:
        return f"{where}: it would add a line above this one ({shorten(instead.strip())}): change the file, or add the readings by hand"
    if line.rstrip() != line and line.rstrip() == instead.rstrip():
        return f"{where}: this line ends in spaces: remove them, or add the readings by hand"
    if line.strip() == instead.strip():
        return f"{where}: it would indent this line differently (indent it as the example deals do, or add the readings by hand)"
    return f"{where}: it would write this line as {shorten(instead.strip())}: change it, or add the readings by hand"


def _yaml_value(text: str):
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return int(text) if re.fullmatch(r"-?[0-9]+", text) else DoubleQuotedScalarString(text)


def _text(text: str):
    """Text as the deal file is to hold it: in quotes where the project's loader would read it
    otherwise. ruamel.yaml writes by YAML 1.2 and leaves No, on or 1:20 unquoted, as text; the
    loader reads by YAML 1.1, where they are a yes/no value and a base-60 number, and refuses
    them, so the import would refuse its own writing."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    from ..model.yaml import YamlError, parse

    yaml = YAML(typ="rt")
    yaml.width = _WIDTH
    buffer = io.StringIO()
    yaml.dump(CommentedMap(text=text), buffer)
    try:
        if parse(buffer.getvalue().encode("utf-8")).data == {"text": text}:
            return text
    except YamlError:
        pass
    return SingleQuotedScalarString(text)  # ruamel.yaml writes it in double quotes if single cannot hold it


def _same(old, new_text: str, field: str) -> bool:
    if old is None:
        return False
    if field == "value":
        try:
            return Decimal(str(old).replace(",", "")) == Decimal(new_text.replace(",", ""))
        except InvalidOperation:
            return False
    if field == "date":
        return str(old) == new_text
    if field == "draft":
        return bool(old) == new_text
    if field == "publish_after":
        try:
            return _MOMENT.validate_python(old) == _MOMENT.validate_python(new_text)
        except ValidationError:
            return False
    return _as_read(old) == new_text


def _as_read(old) -> str:
    """A text field as the model reads it, as the sheet shows it: without the white space at
    its ends, which a block scalar's last line break (commentary: |) or quotes ("  x") keep
    in the file. Compared as written, an unchanged sheet would rewrite them."""
    return str(old).strip()


def _apply(data, parsed: list[_Row]) -> tuple[int, int]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .yaml_edit import above, delete, insert, put, unflow

    outcomes = {o["id"]: o for o in data.get("outcomes") or []}
    added = changed = 0
    for row in parsed:
        outcome = outcomes[row.outcome]
        readings = outcome.get("readings")
        if not isinstance(readings, CommentedSeq):
            readings = CommentedSeq()
        if readings.fa.flow_style() and readings:
            unflow(outcome, "readings")
        index = next((i for i, r in enumerate(readings) if str(r.get("date")) == row.fields["date"]), None)
        if index is None:
            reading = CommentedMap()
            reading["date"] = dt.date.fromisoformat(row.fields["date"])
            reading["value"] = _yaml_value(row.fields["value"])
            for field in ("commentary", "remedial_action", "publish_after", "draft"):
                if field in row.fields:
                    reading[field] = _text(row.fields[field]) if field != "draft" else row.fields[field]
            if "source" in row.fields:
                reading["source"] = CommentedMap((k, _text(v)) for k, v in row.fields["source"].items())
            at = next((i for i, r in enumerate(readings) if str(r.get("date")) > row.fields["date"]), len(readings))
            if readings:
                insert(outcome, "readings", at, reading)
            else:
                # Put with the reading in it: the lines after an empty list would stay between
                # readings: and its first item.
                put(outcome, "readings", CommentedSeq([reading]))
            added += 1
            continue
        existing = readings[index]
        # A reading's first key is written on its "- " line: what stood above the key after it
        # goes above the item.
        above_it = above(outcome, "readings", index)
        before = changed
        for field in ("value", "commentary", "remedial_action", "publish_after", "draft"):
            new = row.fields.get(field)
            old = existing.get(field)
            if new is None or new is False and field == "draft":
                if field in existing and not (field == "draft" and not old):
                    delete(existing, field, above_it)
                    changed = before + 1
                continue
            if field == "draft":
                if bool(old) != new:
                    put(existing, field, new)
                    changed = before + 1
                continue
            if not _same(old, str(new), field):
                put(existing, field, _yaml_value(new) if field == "value" else _text(new))
                changed = before + 1
        if _source_changed(existing, row.fields.get("source") or {}, above_it):
            changed = before + 1
    return added, changed


def _source_changed(reading, source: dict, above_reading: tuple) -> bool:
    """Make the reading's source the sheet's, field by field (so its comments stay); whether it
    changed. above_reading: where the lines above the reading are kept (yaml_edit.above)."""
    from ruamel.yaml.comments import CommentedMap

    from .yaml_edit import above, delete, put

    old = reading.get("source")
    if not source:
        if "source" in reading:
            delete(reading, "source", above_reading)
            return True
        return False
    if not isinstance(old, CommentedMap):
        put(reading, "source", CommentedMap((k, _text(v)) for k, v in source.items()))
        return True
    changed = False
    # The new fields first: the lines after the last field of the source as it was go with
    # the source's last field, and stay with it only while it has one.
    for field, text in source.items():
        if field not in old or _as_read(old[field]) != text:  # YAML reads an unquoted date as a date
            put(old, field, _text(text))
            changed = True
    for field in [f for f in old if f not in source]:
        delete(old, field, above(reading, "source"))
        changed = True
    return changed


def _validate(deals_dir: Path, slug: str, written: bytes, path: Path) -> None:
    """Load the deal as it would be, beside copies of the shared files, with dealsite check's loader."""
    with tempfile.TemporaryDirectory(prefix="dealsite-readings-") as folder:
        trial = Path(folder)
        for name in (ROUNDS_FILE, POWERS_FILE, DEFLATORS_FILE):
            if (deals_dir / name).is_file():
                shutil.copy(deals_dir / name, trial / name)
        (trial / f"{slug}.yaml").write_bytes(written)
        try:
            load_catalogue([trial / f"{slug}.yaml"])
        except InvalidDeals as error:
            raise InvalidDeals(
                [Problem(str(path) if p.file.endswith(f"{slug}.yaml") else p.file, p.line, p.field, p.message) for p in error.problems]
            ) from None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the file under a name no reader takes for a deal, then rename over it."""
    try:
        _replace(path, data)
    except OSError as error:  # a full disk, a folder in the way: a message, not a traceback
        raise ReadingsError(f"{path} cannot be written ({error.strerror or error})") from None


def _replace(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".importing")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
