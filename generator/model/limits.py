"""The limits of the deal format: how long, how large, how precise, and which characters.

Far above anything a deal needs, and low enough that everything downstream stays exact
and fast: whatever ``dealsite check`` accepts, ``dealsite build`` can compute and show.
Each message that refuses a value names its limit. The limits of the budget's amounts and
lists are in ``budget.py``, with the arithmetic that sets them.
"""

from __future__ import annotations

import re

MAX_TITLE = 200  # a deal's, outcome's, event's, source's, power's or round's title
MAX_SHORT = 500  # names, bodies, streams, indicators, units, roles
MAX_LONG = 5_000  # summaries, descriptions, commentary, notes, conditions
MAX_SLUG = 100
MAX_URL = 2_000
MAX_FILE_NAME = 255  # the longest file name most file systems allow
# Any number: at most 15 significant digits. A 64-bit float holds 15 exactly, and every
# valid amount fits (at most 10^14 pence: see budget.py).
MAX_DIGITS = 15
# A measure (a reading, baseline, target or milestone value, a deflator): its size below
# 10^12 and no digit below 10^-6. Progress divides by differences of these over days: with
# both bounds a share of expected progress stays under 10^26, inside the 28 digits of
# Python's decimal context, so rounding it for display cannot fail.
MAX_MEASURE = 10**12
MEASURE_PLACES = 6
# An amount before its unit is known: no unit makes 10^15 of it less than £1,000bn. The
# budget then checks each amount exactly in its unit.
MAX_AMOUNT = 10**15
AMOUNT_LIMIT_TEXT = "£1,000bn"
FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates and financial years
MAX_POPULATION = 100_000_000  # more than the UK's
FIRST_POPULATION_YEAR, LAST_POPULATION_YEAR = 1800, 2200

# Characters that change how text displays without showing themselves (bidirectional
# overrides can make a title read backwards, "Trojan Source"; others hide inside a name so
# that two names that look alike are different text); refused in all text.
INVISIBLE = {
    **{chr(c): "bidirectional control character" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u061c": "Arabic letter mark",
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space",
    "\u00ad": "soft hyphen",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\u180e": "Mongolian vowel separator",
    **{chr(c): "invisible mathematical operator" for c in range(0x2061, 0x2065)},
    **{chr(c): "deprecated format character" for c in range(0x206A, 0x2070)},
    **{chr(c): "interlinear annotation character" for c in range(0xFFF9, 0xFFFC)},
    **{c: "Hangul filler (it shows as a blank)" for c in ("\u115f", "\u1160", "\u3164", "\uffa0")},
}
# Zero-width joiner and non-joiner are not refused outright: the joiner builds emoji (woman,
# joiner, laptop is a woman technologist) and Indic conjuncts, the non-joiner is part of Persian and other scripts' spelling. Both
# act only between two such characters, so one beside an ASCII character, a space, another
# joiner or the start or end of the text does nothing but make two names that look the same
# differ ("Kent" and "Ke\u200dnt"): that is refused.
JOINERS = {"\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner"}
# Tag characters (U+E0000-U+E007F) spell hidden ASCII text; they are allowed only inside the
# flag emoji of England, Scotland and Wales (a black flag, tags, then the cancel tag).
TAG_FLAG_RE = re.compile("\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F")
# One scan finds any of them, and C0 and C1 control characters other than tab and newline,
# and lone surrogates (YAML's "\ud800" escape makes one; no text can be written out with it).
# Unicode's noncharacters (U+FDD0-U+FDEF, and the last two of each plane, U+FFFE and U+FFFF
# ...) are for a program's own use, never text: XML cannot hold them, so a deal with one
# would export a spreadsheet that no spreadsheet, nor the import, can open.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(p * 0x10000 + 0xFFFE) + "-" + chr(p * 0x10000 + 0xFFFF) for p in range(17))
SUSPECT_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\U000E0000-\U000E007F" + NONCHARACTERS
    + "".join(INVISIBLE) + "".join(JOINERS) + "]"
)
_NONCHARACTER_RE = re.compile(f"[{NONCHARACTERS}]")


def suspect(text: str) -> str | None:
    """What is wrong with a character of text that must not be in it, or None."""
    if SUSPECT_RE.search(text) is None:  # nearly all text: one scan in C
        return None
    found = first_suspect(text)
    if found is None:
        return None
    at, what, advice = found
    return f"contains {what} (U+{ord(text[at]):04X}) at character {at + 1}{advice}"


def first_suspect(text: str, allowed: str = "") -> tuple[int, str, str] | None:
    """(index, what it is, what to do) for the first character of text that must not be in
    it, other than those in ``allowed``; or None."""
    for found in SUSPECT_RE.finditer(text):
        char, at = found.group(), found.start()
        if char in allowed:
            continue
        if char in JOINERS:
            if _joins(text, at):
                continue
            return at, f"a {JOINERS[char]}", " where it joins nothing: remove it (it can make two names that look the same differ)"
        if char in INVISIBLE:
            return at, f"an invisible {INVISIBLE[char]}", ": remove it (it can make text display differently from what it says)"
        if _NONCHARACTER_RE.match(char):
            return at, "a noncharacter", ", which Unicode keeps out of text (a spreadsheet cannot hold U+FFFE or U+FFFF): remove it"
        if "\ud800" <= char <= "\udfff":
            return at, "a lone surrogate", ", which is not a character: remove it (write the character itself)"
        if char >= "\U000E0000":
            if any(flag.start() <= at < flag.end() for flag in TAG_FLAG_RE.finditer(text)):
                continue
            return at, "an invisible tag character", ": remove it (it can hide text)"
        return at, "a control character", ": remove it"
    return None


def _joins(text: str, at: int) -> bool:
    """Whether the joiner at ``at`` stands between two characters it can act on."""
    if at == 0 or at == len(text) - 1:
        return False
    return all(not (c < "\x80" or c.isspace() or c in JOINERS) for c in (text[at - 1], text[at + 1]))


def shorten(text: str, keep: int = 40) -> str:
    """Text as quoted back in a message: its start only, when it is long, and :func:`visible`."""
    return visible(text if len(text) <= keep + 20 else f"{text[:keep]}... ({len(text):,} characters)")


# What a message may quote from a file but must not print as itself: control characters
# (an escape sequence would drive the terminal or CI log showing it; a newline would split
# a problem's one line), lone surrogates (printing one raises UnicodeEncodeError, and so does
# handing one to pydantic in a message) and characters that reorder or hide text.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000E0000-\U000E007F]"
)


def _escape(found: re.Match) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """Text safe to print on one line: each character above as its escape, e.g. \\u202e."""
    return _UNPRINTABLE.sub(_escape, text)


# Names Windows keeps for devices, whatever follows a dot or spaces before it (aux.md, nul .txt):
# a file or folder of such a name cannot be created there, so a site holding one cannot be
# copied there. Windows reads the superscripts 1, 2 and 3 as digits in these (com¹).
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$", *(f"{port}{digit}" for port in ("com", "lpt") for digit in "123456789\u00b9\u00b2\u00b3")}
)
# Slugs no deal may take: deals/index.md is the deals/ folder's own page to MkDocs, so a deal
# called index would be written as deals/index.html while every link leads to deals/index/.
RESERVED_SLUGS = frozenset({"index"}) | WINDOWS_DEVICES
