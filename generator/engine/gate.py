"""The last line of defence: every byte of a staged site, checked before it replaces the live one.

The publication gate (``compute/embargo.py``) decides once what a build may show, and
escaping by construction keeps deal text from becoming markup. This scan assumes both
could fail anyway, through a path nobody listed. It reads every file of the built site
(sitemaps decompressed, ODS and other zip members unpacked, PDF text extracted) and looks
for:

* anything held back: the title, summary and address of a held-back deal, the title and
  summary of a held-back update, the commentary of a held-back reading, and the reading
  itself in the deal's published data;
* unsafe HTML (``unsafe_markup.py``): any ``on*`` attribute; a ``javascript:``, ``vbscript:``
  or ``data:`` URL in any attribute; elements that run or embed other documents (iframe,
  object, embed, base, a refreshing meta); and a ``<script>`` that is not one of the site's
  own (a file of the theme or of ``extra_javascript``, or an inline script the theme writes
  on every page, such as the one on ``404.html``);
* broken links (``site_links.py``): a link or source in a page that points into the site
  and reaches no file of it (a link of the theme's, on every page, to a page since deleted
  or left out).

Markdown pages are read as HTML as well (``dealsite export`` writes its pages as HTML in
Markdown, and an engine passes that HTML through).

Any finding stops the build: the caller names each file and item and leaves the live site
untouched. Text that a public item also contains is not looked for (two deals may share a
phrase).
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ahocorasick_rs import BytesAhoCorasick

from ..compute.embargo import HeldBack, Publication
from ..runtime import forked_map, jobs_available
from .site_text import MARKUP, contents, json_parts, json_text, last, lines_in_windows, part_strings, read_whole, squeeze, strings, text_of, values_of, windows
from .site_links import PAGES, SiteFiles
from .unsafe_markup import SEARCH_INDEX, Finding, Scripts, markup_findings, read_markup, search_index_findings

MIN_NEEDLE = 8  # characters, once spaces are removed: shorter text is not distinctive
UNREADABLE_JSON = "could not be read as JSON, so the text of its strings could not be checked"


class UnsafeOutput(Exception):
    """The staged site shows something it must not; nothing was published."""

    def __init__(self, findings: list[Finding]):
        self.findings = sorted(findings)
        # One cause can be found in every page (a link the theme writes on each): a few files
        # are named for each, so that the other causes are not hidden under it.
        files: dict[str, dict[str, None]] = {}
        for finding in self.findings:  # a file may show a cause twice (two texts of one held-back deal)
            files.setdefault(finding.what, {})[finding.file] = None
        lines = []
        for what, in_files in files.items():
            named = list(in_files)
            lines += [f"  {file}: {what}" for file in named[:SHOWN_PER_CAUSE]]
            if len(named) > SHOWN_PER_CAUSE:
                lines.append(f"  ... and {len(named) - SHOWN_PER_CAUSE} more files: {what}")
        shown = "\n".join(lines[:50])
        more = f"\n  ... and {len(lines) - 50} more lines" if len(lines) > 50 else ""
        super().__init__(f"the built site failed the last check before publishing ({len(self.findings)} found):\n{shown}{more}")


SHOWN_PER_CAUSE = 3


def check_site(site: Path, publication: Publication, own_scripts: Iterable[str] = (), *, jobs: Optional[int] = None, site_url: str = "") -> None:
    """Raise :class:`UnsafeOutput` if the built site at ``site`` shows anything it must not."""
    findings = scan(site, publication, own_scripts, jobs=jobs, site_url=site_url)
    if findings:
        raise UnsafeOutput(findings)


def scan(site: Path, publication: Publication, own_scripts: Iterable[str] = (), *, jobs: Optional[int] = None, site_url: str = "") -> list[Finding]:
    """Every finding in the site, file by file in path order; ``own_scripts``: site paths of
    the site's own JavaScript files; ``jobs``: processes (by default, every core once the
    site has PARALLEL_FILES files); ``site_url``: where the site is served from."""
    held = _Needles(publication)
    scripts = Scripts(site, own_scripts, site_url)
    paths = sorted(p for p in site.rglob("*") if p.is_file() or p.is_symlink())
    jobs = max(1, jobs_available() if len(paths) >= PARALLEL_FILES else 1) if jobs is None else max(1, jobs)
    files = SiteFiles(p.relative_to(site).as_posix() for p in paths)
    check = functools.partial(_check_run, site, held, scripts, files)
    found = dict(pair for run in forked_map(check, _runs(paths, jobs), jobs, run_size=1) for pair in run)
    return [finding for path in paths for finding in found[path]]


# Files from which the check is split across processes: at 1,000 deals (23,000 files) it took
# half the build, 155 s, in one process.
PARALLEL_FILES = 2_000
RUNS_PER_JOB = 32


def _runs(paths: list[Path], jobs: int) -> list[list[Path]]:
    """The files in runs of about equal work for ``jobs`` processes, the costliest first.

    In path order, one run held data/ (a workbook of 700 MB of XML and 140 MB of JSON) and
    a process was still on it for 7 of the check's 29 s at 1,000 deals while the other
    waited. Longest first, the processes end within a run of each other."""
    cost = {path: _cost(path) for path in paths}
    share = sum(cost.values()) / (jobs * RUNS_PER_JOB)
    runs, run, run_cost = [], [], 0
    for path in sorted(paths, key=cost.__getitem__, reverse=True):
        run.append(path)
        run_cost += cost[path]
        if run_cost >= share:
            runs.append(run)
            run, run_cost = [], 0
    return runs + [run] if run else runs


def _cost(path: Path) -> int:
    """A file's work for the check, roughly: its bytes, a packed file's as they unpack (a
    workbook's XML is about 25 times its size on disk), and a little for opening it."""
    size = path.lstat().st_size
    return 4_096 + size * (25 if path.suffix in (".ods", ".gz", ".zip") else 1)


def _check_run(site: Path, held: "_Needles", scripts: Scripts, files: SiteFiles, run: list[Path]) -> list[tuple[Path, list[Finding]]]:
    return [(path, _check_file(site, held, scripts, files, path)) for path in run]


def _check_file(site: Path, held: "_Needles", scripts: Scripts, files: SiteFiles, path: Path) -> list[Finding]:
    name = path.relative_to(site).as_posix()
    if path.is_symlink():
        return [Finding(name, "is a symbolic link (a site holds only its own files)")]
    findings = held.in_path(name)
    with path.open("rb") as stream:
        for member, content in contents(name, stream):
            if read_whole(member, content):
                data = content.read()
                if member.endswith(".json") and data[:5] != b"%PDF-":  # a PDF is read as a PDF, whatever its name
                    findings += held.in_json(member, data)
                    if member.endswith(SEARCH_INDEX):
                        findings += search_index_findings(member, data, scripts)
                else:
                    findings += held.in_text(member, text_of(member, data))
                if member.endswith(MARKUP):
                    root = read_markup(member, data)
                    findings += markup_findings(member, data, scripts, root)
                    if member == name and name.endswith(PAGES) and root is not None:  # a page of the site, not a packed copy
                        findings += files.broken(name, root, data)
            else:  # a window at a time: a spreadsheet's content.xml is 700 MB at 1,000 deals
                findings += held.in_windows(member, windows(member, content))
    return findings


class _Finder:
    """Which of some needles occur in a text, found in one pass over it: every occurrence of
    every needle, overlapping and nested ones too, each giving the indices (in ``needles``)
    of the items that have it.

    The text is searched as its UTF-8 bytes (lone surrogates kept, as JSON can hold them):
    UTF-8 marks where each character starts, so a needle's bytes are found exactly where the
    needle is. At 1,000 deals the check searches about two thousand million squeezed
    characters, the workbooks' XML most of them. Over 100 MB of a workbook's squeezed XML,
    against 47 needles, this automaton (in Rust, skipping ahead to the bytes a needle can
    start with) took 0.03 s, and encoding the text 0.06 s; the C automaton it replaced took
    1.08 s on the text as characters, and a search needle by needle 1.42 s."""

    def __init__(self, needles: Iterable[str]):
        owners: dict[bytes, list[int]] = {}
        for i, needle in enumerate(needles):
            if needle:
                owners.setdefault(_utf8(needle), []).append(i)
        self.owners = list(owners.values())
        self.automaton = BytesAhoCorasick(list(owners)) if owners else None

    def __bool__(self) -> bool:
        return self.automaton is not None

    def found(self, text: str) -> set[int]:
        if self.automaton is None:
            return set()
        matches = self.automaton.find_matches_as_indexes(_utf8(text), overlapping=True)
        return {i for needle, _, _ in matches for i in self.owners[needle]}


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# --- held-back items ------------------------------------------------------------------------------


class _Needles:
    """What to look for, for every held-back item; text a public item also has is left out."""

    def __init__(self, publication: Publication):
        self.held = [h for h in publication.held]
        candidates = [(needle, item) for item in self.held for needle in map(squeeze, item.texts) if len(needle) >= MIN_NEEDLE]
        shared = _in_public_text({needle for needle, _ in candidates}, publication)
        self.texts: list[tuple[str, HeldBack]] = [(needle, item) for needle, item in candidates if needle not in shared]
        self.addresses = [(f"deals/{h.deal}/", h) for h in self.held if h.kind == "deal"]
        self.addresses += [(h.name.removesuffix(".md") + "/", h) for h in self.held if h.kind == "update"]
        self.readings = {(h.deal, h.outcome, h.date): h for h in self.held if h.kind == "reading"}
        self.index()

    def index(self) -> None:
        """What finds ``texts`` and ``addresses`` in one pass over a text (tests that make
        needles by hand call it once they have set them)."""
        self.any_text = _Finder(needle for needle, _ in self.texts)
        # Addresses are looked for one by one in the raw text: they are few (a page's address
        # and the files named after it, deals/x/ and updates/x.md), and a site's text is full of
        # other addresses that start the same way. Over 100 MB of a workbook's XML, six took
        # 0.18 s one by one; an automaton took 1.0 s, and a regular expression of them 0.80 s.
        self.spellings = [(address, address.rstrip("/") + ".") for address, _ in self.addresses]
        # How much of one piece of a long text to look at again with the next (in_windows).
        self.keep_squeezed = max((len(needle) for needle, _ in self.texts), default=1) - 1
        self.keep_raw = max((len(address) + 1 for address, _ in self.addresses), default=1) - 1

    def in_path(self, name: str) -> list[Finding]:
        return [Finding(name, f"is the page or file of {_named(h)}") for address, h in self.addresses if name.startswith(address)]

    def in_text(self, name: str, text: str) -> list[Finding]:
        return self._findings(name, self._needles_in(squeeze(text)), self._addresses_in(text))

    def in_windows(self, name: str, pieces: Iterator[str]) -> list[Finding]:
        """The findings of in_text on the whole text, for a text read in pieces. Each piece is
        looked at with the end of the text before it: as many squeezed characters as the
        longest needle less one, and as many readable ones as the longest address less one,
        so a needle or an address that runs over from one piece to the next is found as in
        the whole text, however far spaces or entities spread it."""
        needles: set[int] = set()
        addresses: set[int] = set()
        squeezed_tail = raw_tail = ""
        for piece in pieces:
            squeezed, raw = squeezed_tail + squeeze(piece), raw_tail + piece
            needles |= self._needles_in(squeezed)
            addresses |= self._addresses_in(raw)
            squeezed_tail, raw_tail = last(squeezed, self.keep_squeezed), last(raw, self.keep_raw)
        return self._findings(name, needles, addresses)

    def _needles_in(self, squeezed: str) -> set[int]:
        return self.any_text.found(squeezed)

    def _addresses_in(self, raw: str) -> set[int]:
        return {i for i, spellings in enumerate(self.spellings) if any(spelling in raw for spelling in spellings)}

    def _findings(self, name: str, needles: set[int], addresses: set[int]) -> list[Finding]:
        """One finding a needle and an address found, in the order they are listed."""
        return [Finding(name, f"shows text of {_named(item)}") for i, (_, item) in enumerate(self.texts) if i in needles] + [
            Finding(name, f"links to {_named(item)}") for i, (_, item) in enumerate(self.addresses) if i in addresses
        ]

    def in_json(self, name: str, raw: bytes) -> list[Finding]:
        """in_text on the keys and scalars of a JSON document, and any held-back reading in it as
        deal data (deal.json, deals.json), the document read a part at a time (json_parts).
        A string is also looked at with its HTML entities undone: the search index holds HTML.
        Text Python cannot read as JSON is a finding of its own, and is looked at as written
        too; text not in UTF-8 is also looked at as UTF-8, as it is written."""
        text, utf8 = json_text(raw)
        data = _DealData(self.readings)

        def pieces() -> Iterator[str]:
            for path, value in json_parts(text):
                data.add(path, value)
                for string in part_strings(path, value):
                    yield string
                    if "&" in string:
                        yield html.unescape(string)

        try:
            found, parsed = self.in_windows(name, lines_in_windows(pieces())), True
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's parser goes
            # Looked at as written, where a string's escapes (\u0054) are not undone: what a
            # reader that can parse it (a number past Python's 4,300 digits, nesting past its
            # recursion limit) would show is not known, so the file is a finding of its own.
            found, parsed = [*self.in_text(name, text), Finding(name, UNREADABLE_JSON)], False
        if not (parsed and utf8):
            found += [f for f in self.in_text(name, raw.decode("utf-8", errors="replace")) if f not in found]
        return found + [Finding(name, f"holds {_named(self.readings[key])}") for key in data.readings() if key in self.readings]


class _DealData:
    """The readings of deal data among ``wanted`` ((deal slug, outcome id, date): the held-back
    ones), in document order, from the parts of a JSON document: each deal in its "deals", or
    the document itself as a deal when it has none. Values of a type deal data never has are
    passed over. Only wanted readings are kept: data/deals.json at 1,000 deals has 240,000.
    A key the document gives more than once counts with each of its values (a slug, an id, a
    date, a list of outcomes or readings): a reader of the file may take any of them."""

    def __init__(self, wanted: Iterable[tuple]) -> None:
        self.wanted = set(wanted)
        self.ids = {outcome for _, outcome, _ in self.wanted}
        self.dates = {date for _, _, date in self.wanted}
        self.in_deals: list[tuple] = []  # readings of the deals in "deals"
        self.own: list[tuple] = []  # (outcome id, date) of the document's own "outcomes"
        self.slugs: list[str] = []  # the document's own slugs
        self.has_deals = False

    def add(self, path: tuple, value: object) -> None:
        if len(path) == 1 and path[0] == "deals":
            self.has_deals = True
        elif len(path) == 1 and path[0] == "slug":
            self.slugs += [value] if isinstance(value, str) else []
        elif len(path) == 2 and isinstance(path[1], int) and isinstance(value, dict):
            if path[0] == "deals":
                slugs = [slug for slug in values_of(value, "slug") if isinstance(slug, str)]
                outcomes = [outcome for listed in values_of(value, "outcomes") for outcome in _listed(listed)]
                found = ((slug, *reading) for outcome in outcomes for reading in self._readings_of(outcome) for slug in slugs)
                self.in_deals += [key for key in found if key in self.wanted]
            elif path[0] == "outcomes":
                self.own += self._readings_of(value)

    def _readings_of(self, outcome: dict) -> list[tuple]:
        """(outcome id, date) of each reading of an outcome in deal data, for the wanted ids and dates."""
        ids = [i for i in values_of(outcome, "id") if isinstance(i, str) and i in self.ids]
        if not ids:
            return []
        readings = [reading for listed in values_of(outcome, "readings") for reading in _listed(listed)]
        dates = [day for reading in readings for day in map(_date, values_of(reading, "date")) if day in self.dates]
        return [(i, day) for day in dates for i in ids]

    def readings(self) -> list[tuple]:
        if self.has_deals:
            return self.in_deals
        return [key for key in ((slug, *reading) for reading in self.own for slug in self.slugs) if key in self.wanted]


def _listed(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _date(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _named(item: HeldBack) -> str:
    what = {"deal": "the held-back deal", "update": "the held-back update", "reading": "the held-back"}.get(item.kind, "the held-back")
    return f"{what} {item.name} ({item.reason[:1].lower()}{item.reason[1:]})"


def _in_public_text(needles: set[str], publication: Publication) -> set[str]:
    """The needles found in the public text, all of it squeezed into one (strings run on into
    each other), with the finder that looks in the site's files. It is read a window of
    strings at a time, each squeezed window starting with the end of the one before, so the
    whole is never held: at 1,000 deals it is 300 MB as one."""
    listed = sorted(needles)
    finder = _Finder(listed)
    if not finder:
        return set()
    keep = max(map(len, listed)) - 1  # a needle running over from one piece to the next
    found: set[int] = set()
    tail = ""
    for piece in lines_in_windows(_public_texts(publication)):
        squeezed = tail + squeeze(piece)
        found |= finder.found(squeezed)
        tail = last(squeezed, keep)
    return {listed[i] for i in found}


def _public_texts(publication: Publication) -> Iterator[str]:
    """The text the public may see, so that a phrase a held-back item shares with it is not a finding."""
    held_deals = {h.deal for h in publication.held if h.kind == "deal"}
    held_updates = {h.name for h in publication.held if h.kind == "update"}
    for deal in publication.catalogue.deals:
        if deal.slug in held_deals:
            continue
        yield from strings(deal.model_dump(mode="json"))
    for update in publication.updates:
        if update.src_uri not in held_updates:
            yield update.title
            yield update.summary
            yield update.body
    if not publication.previews:  # the committee's record as the gate (compute/embargo.py) left it public
        yield from strings(publication.catalogue.scrutiny.model_dump(mode="json"))
