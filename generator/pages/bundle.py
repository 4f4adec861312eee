"""The generated part of the site, as data: pages, fragments, files and search entries.

Engine-independent: an engine adapter (the MkDocs plugin) only translates a
:class:`Bundle` into its own files and pages. Pages arrive pre-rendered as HTML so
Python-Markdown never parses our tables, the measured bottleneck of a plain MkDocs build.
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterable, Optional, Sequence, TypeVar

from jinja2 import Environment

from ..compute.embargo import Publication
from ..model import Catalogue, Deal
from .links import page_location

T = TypeVar("T")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str  # plain text; escaped by whoever writes it out


@dataclass(frozen=True, init=False)
class GeneratedPage:
    """A page, its HTML escaped and ready to place in the theme's content block (``html``).

    The HTML is kept deflated (``packed``) from the moment it is made until the engine asks for
    it (MkDocs: as it renders the page, or, for a page Material indexes, as it reads every
    page first): a 1,000-deal site's 5,000 pages held as text were 400 MB of the builder's memory
    (one character past Latin-1 makes Python keep a whole page at two bytes a character), and
    came back from the workers that made them. Deflated, they are 40 MB; the level that packs
    fastest costs about 0.6 ms for a 76 KB deal page and unpacking 0.2 ms (measured on its own).
    """

    src_uri: str  # as if in docs_dir, e.g. "deals/kent.md" -> /deals/kent/
    title: str  # plain text
    packed: bytes  # the HTML, UTF-8, deflated
    headings: tuple[Heading, ...] = ()
    description: str = ""  # plain text
    search: bool = True  # False keeps the page out of the search index
    preview: bool = False  # not yet public: shown only under --drafts, with a banner

    def __init__(self, src_uri: str, title: str, html: Optional[str] = None, headings: Sequence[Heading] = (),
                 description: str = "", search: bool = True, preview: bool = False, *, packed: Optional[bytes] = None):
        # html, or packed as dataclasses.replace passes it on (html wins: replace(page, html=...))
        if html is not None:
            packed = zlib.compress(html.encode("utf-8"), 1)
        if packed is None:
            raise TypeError("GeneratedPage needs its html")
        for name, value in (("src_uri", src_uri), ("title", title), ("packed", packed), ("headings", tuple(headings)),
                            ("description", description), ("search", search), ("preview", preview)):
            object.__setattr__(self, name, value)

    @property
    def html(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8")


@dataclass(frozen=True)
class SearchEntry:
    """One search result, written by us rather than parsed out of a page's HTML.

    Material's search plugin parses every page it indexes; for deal pages that was most of a
    minute at 1,000 deals (benchmarks/bench.py), to index text we already hold as data.
    """

    location: str  # site-relative URL, e.g. "deals/kent/#outcome-jobs"
    title: str  # plain text; escaped by whoever writes it out
    text: str  # plain text


def index_by_summary(bundle: "Bundle", pages: Sequence[GeneratedPage], text: dict[str, str] | None = None) -> None:
    """Index pages across deals by their title and description (or ``text[src_uri]``) alone.

    Their tables repeat what each deal page is indexed by; Material's search would parse
    half a megabyte of HTML per page at 1,000 deals, on every build and every preview edit.
    """
    indexed = {id(page) for page in pages}
    bundle.pages = [replace(page, search=False) if id(page) in indexed else page for page in bundle.pages]
    for page in pages:
        bundle.search.append(SearchEntry(page_location(page.src_uri), page.title, (text or {}).get(page.src_uri, page.description)))


@dataclass
class Bundle:
    pages: list[GeneratedPage] = field(default_factory=list)
    fragments: dict[str, str] = field(default_factory=dict)  # replaces <!-- dealsite:NAME --> in content/
    files: dict[str, bytes] = field(default_factory=dict)  # downloads, feeds, images, by site path
    search: list[SearchEntry] = field(default_factory=list)  # for pages generated with search=False
    # When set, add_file writes straight into this directory (the site being built) and only the
    # path is kept: a thousand deals' downloads are hundreds of megabytes (benchmarks/bench.py).
    out_dir: Optional[Path] = None
    written: list[str] = field(default_factory=list)  # site paths add_file wrote to out_dir
    _written: set[str] = field(default_factory=set, repr=False, compare=False)  # the same, to look up
    _indexed: int = field(default=0, repr=False, compare=False)  # how much of written _written holds

    def add_file(self, path: str, content: bytes) -> None:
        """Publish ``content`` at ``path`` in the site (e.g. ``deals/kent/deal.json``)."""
        self.add_file_parts(path, (content,))

    def add_file_parts(self, path: str, parts: Iterable[bytes]) -> None:
        """Publish the concatenation of ``parts`` at ``path``, written a part at a time where
        the bundle writes to ``out_dir``: the site-wide downloads of a thousand deals are
        hundreds of megabytes, and made whole they were the peak of the build's memory."""
        if self.out_dir is None:
            self.files[path] = b"".join(parts)
            return
        target = self.out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        # Under a new name first: making a part can fail (a deal's file not as expected), and
        # `dealsite serve` writes into the site it is serving, which keeps the last good file.
        partial = target.with_name(f".{target.name}.dealsite-partial")
        try:
            with open(partial, "wb") as out:
                for part in parts:
                    out.write(part)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.written.append(path)

    def read_file(self, path: str) -> bytes:
        """A file published earlier in this build, wherever it is kept."""
        if path in self.files:
            return self.files[path]
        if self.out_dir is not None:
            if self._indexed != len(self.written):  # written to or merged since last asked
                self._written, self._indexed = set(self.written), len(self.written)
            if path in self._written:
                return (self.out_dir / path).read_bytes()
        raise KeyError(path)

    def file_paths(self) -> list[str]:
        return sorted([*self.files, *self.written])

    def frozen(self) -> "Bundle":
        """A copy no one can change (tuples and read-only mappings), to keep and merge again."""
        return Bundle(
            pages=tuple(self.pages), fragments=MappingProxyType(dict(self.fragments)), files=MappingProxyType(dict(self.files)),  # type: ignore[arg-type]
            search=tuple(self.search), out_dir=self.out_dir, written=tuple(self.written),  # type: ignore[arg-type]
        )

    def merge(self, other: "Bundle") -> None:
        self.pages += other.pages
        self.fragments.update(other.fragments)
        self.files.update(other.files)
        self.search += other.search
        self.written += other.written


@dataclass(frozen=True)
class Context:
    """What every page generator may use; nothing else reaches it."""

    publication: Publication  # what the build may show (the public catalogue, unless a preview)
    env: Environment
    last_changed: dict = field(default_factory=dict)  # slug -> datetime the deal file last changed
    site_url: str = ""  # mkdocs.yml site_url, for the absolute links feeds need
    history: Optional[Sequence] = None  # compute.history.Revision, oldest first; None outside git
    pack_pdf: bool = False  # also render the committee pack as pack.pdf (WeasyPrint)
    # Lookups a section works out once per build from the fields above (in its prepare, so
    # forked workers inherit them), keyed by the section's module name.
    derived: dict = field(default_factory=dict)
    # Under `dealsite serve`, per-deal values kept from earlier builds (see reused): (name, slug) ->
    # (the deal's digest, value), emptied whenever what deals share changes; None otherwise.
    reuse: Optional[dict] = None
    corrections: str = ""  # where readers suggest a correction (mailto: or an issue form's URL); "" for none

    @property
    def catalogue(self) -> Catalogue:
        return self.publication.catalogue

    @property
    def now(self) -> dt.datetime:
        return self.publication.now

    @property
    def previews(self) -> bool:
        return self.publication.previews

    @property
    def updates(self) -> Sequence:
        return self.publication.updates


def reused(ctx: Context, deal: Deal, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, a value about ``deal`` alone (and what every deal shares), kept between
    preview builds while the deal's content (its digest) is the same, so pages across deals
    need not work out every deal again after one edit. The value must never be changed by its
    users. In a one-off build it is simply ``compute()``."""
    if ctx.reuse is None:
        return compute()
    hit = ctx.reuse.get((name, deal.slug))
    if hit is not None and hit[0] == deal.digest:
        return hit[1]
    value = compute()
    ctx.reuse[(name, deal.slug)] = (deal.digest, value)
    return value


