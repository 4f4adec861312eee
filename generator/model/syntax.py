"""A YAML syntax error in an editor's words: the line where the mistake is, and what to do.

PyYAML reports where its parser gave up ("expected <block end>, but found '<scalar>'"),
which is often lines after the slip that caused it and always in a parser's terms. This
module reads the tokens up to the error and names the cause a communications team can
act on: text with ``: `` or starting with a quote that needs quotes around it, a quote
opened and never closed, a line indented differently from the fields beside it.

Floor 1 (below ``yaml.py``): it knows PyYAML's scanner and its messages, nothing of deals.
"""

from __future__ import annotations

import re
from typing import Optional

import yaml
from yaml.reader import Reader
from yaml.scanner import Scanner
from yaml.tokens import FlowMappingEndToken, FlowSequenceEndToken, ScalarToken

QUOTED = "text containing \": \" or \" #\", or starting with a quote, [, {, @, ` or #, must be in quotes"
KEY_RE = re.compile(r"^(\s*)((?:-\s+)*)([^\s:#'\"\[\]{},][^:#]*?):(?:\s|$)")


class _Tokens(Reader, Scanner):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)


def tokens_before_error(text: str) -> list:
    """The tokens PyYAML's scanner reads before it (or the parser) stops."""
    found = []
    scanner = _Tokens(text)
    try:
        while True:
            token = scanner.get_token()
            if token is None:
                break
            found.append(token)
    except yaml.YAMLError:
        pass
    return found


def key_of(line: str) -> Optional[str]:
    """The field name a line starts with ('  - name: Kent' -> 'name'), or None."""
    match = KEY_RE.match(line)
    return match.group(3).strip() if match else None


def _value_of(line: str) -> tuple[str, str]:
    """(key, the text after 'key: ') of a line, or ('', the line) without a key."""
    match = KEY_RE.match(line)
    if not match:
        return "", line.strip()
    return match.group(3).strip(), line[match.end():].strip()


def _in_quotes(key: str, value: str) -> str:
    """How to write value in quotes, as an example: 'title: "Kent: the deal"'."""
    if value.startswith("'") and value.endswith("'") and '"' not in value[1:-1]:
        shown = f'"{value[1:-1]}"'
    elif '"' in value and "'" not in value:
        shown = f"'{value}'"
    else:
        shown = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{key}: {shown}" if key else shown


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_column(line: str) -> int:
    """Where a line's field starts: after its indentation and any '- '."""
    match = KEY_RE.match(line)
    if match:
        return len(match.group(1)) + len(match.group(2))
    return _indent(line)


def _line_above(lines: list[str], index: int) -> Optional[int]:
    """The index of the nearest line above that holds something (not blank, not a comment)."""
    for i in range(index - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i
    return None


def explain(text: str, error: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(line, message) for a syntax error: the line of the cause, and what to do about it."""
    lines = text.splitlines() or [""]
    mark = error.problem_mark or error.context_mark
    line = mark.line if mark else 0
    problem = str(error.problem or "")
    context = str(error.context or "")
    source = lines[line] if line < len(lines) else ""

    if "while scanning a quoted scalar" in context and error.context_mark is not None:
        start = error.context_mark.line
        return start + 1, "a quote opens the text on this line and is never closed (add the closing quote at the end of the text)"

    tokens = tokens_before_error(text)
    before = [t for t in tokens if (t.start_mark.line, t.start_mark.column) < (line, mark.column if mark else 0)]
    last = before[-1] if before else None

    runaway = _runaway_quote(tokens, line)
    if runaway is not None:
        start, quote = runaway
        return start + 1, (
            f"the {quote} that opens the text on this line is not closed on it, so YAML reads on to the next {quote} "
            f"(on line {line + 1}): close the quote on this line"
        )
    if "found '<scalar>'" in problem or ("expected a comment or a line break" in problem and "block scalar" not in context):
        if isinstance(last, ScalarToken) and last.style in ('"', "'") and last.end_mark.line == line:
            key, value = _value_of(source)
            return line + 1, (
                f"text that starts with a quote must end with it (to keep the quotes, put the whole text in other quotes: "
                f"{_in_quotes(key, value)})"
            )
        if isinstance(last, (FlowSequenceEndToken, FlowMappingEndToken)) and last.end_mark.line == line:
            key, value = _value_of(source)
            return line + 1, f"text starting with [ or {{ must be in quotes ({_in_quotes(key, value)})"
    if problem == "mapping values are not allowed here":
        match = KEY_RE.match(source)
        if match and mark.column == len(match.group(1)) + len(match.group(2)) + len(match.group(3)):
            above = _line_above(lines, line)
            shown = f" (line {above + 1})" if above is not None else ""
            return line + 1, (
                f"this line is indented more than the line above it{shown}, so YAML reads it as more of that line's text "
                "(start it in the same column as the other fields of the same thing)"
            )
        key, value = _value_of(source)
        return line + 1, f"the text contains \": \", which YAML reads as a new field: put the whole text in quotes ({_in_quotes(key, value)})"
    if "but found '<block mapping start>'" in problem or "but found '<block sequence start>'" in problem or "but found '-'" in problem:
        above = _line_above(lines, line)
        if above is not None:
            here, there = _content_column(source), _content_column(lines[above])
            return line + 1, (
                f"this line starts in column {here + 1} but the line above it (line {above + 1}) in column {there + 1}: "
                "fields of the same thing must start in the same column (indent with spaces)"
            )
        return line + 1, "this line is indented differently from the lines above (fields of the same thing must start in the same column)"
    if problem == "could not find expected ':'" and error.context_mark is not None:
        start = error.context_mark.line
        return start + 1, (
            "this line has no \": \" after a field name (write name: value; "
            "if it continues the text of the line above, indent it further than that line's field)"
        )
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found:
        key, value = _value_of(source)
        return line + 1, f"text cannot start with {found.group(1)} unless it is in quotes ({_in_quotes(key, value)})"
    if problem in ("sequence entries are not allowed here", "mapping keys are not allowed here"):
        key, value = _value_of(source)
        sign = "-" if problem.startswith("sequence") else "?"
        return line + 1, (
            f"text starting with \"{sign} \" must be in quotes ({_in_quotes(key, value)}); "
            "a list goes on the lines below its field, one \"- item\" a line"
        )
    if re.match(r"expected ',' or '[\]}]'", problem) or "did not find expected ',' or" in problem:
        start = error.context_mark.line if error.context_mark is not None else line
        return start + 1, (
            "the list or mapping that opens with [ or { on this line is not closed on it "
            "(close it with ] or }, and separate items with commas; text with [ or { must be in quotes)"
        )
    if "block scalar" in context:
        return (error.context_mark.line if error.context_mark else line) + 1, (
            "after > or | the text starts on the next line, indented (nothing but a comment may follow them)"
        )
    if "directive" in context:
        return line + 1, "a line cannot start with % (put the text in quotes)"
    return line + 1, f"is not valid YAML here ({problem or context}): check this line and the one above it; {QUOTED}"


def _runaway_quote(tokens: list, line: int) -> Optional[tuple[int, str]]:
    """(line, quote) of a quoted text that started on an earlier line and ended on the error's
    line: a quote left open, so YAML read on to the next quote mark."""
    for token in reversed(tokens):
        if token.start_mark.line > line:
            continue
        if isinstance(token, ScalarToken) and token.style in ('"', "'") and token.end_mark.line == line and token.start_mark.line < line:
            return token.start_mark.line, token.style
        if token.end_mark.line < line:
            return None
    return None
