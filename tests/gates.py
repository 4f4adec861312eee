"""The quality gates as plain functions, shared by every test that wants them.

Each gate is ``check_<gate>(site_dir, ...) -> list[str]``: an empty list means the
gate passes; otherwise one readable line per problem, naming the page. The gate
tests run each function twice: on the built example site (expecting no problems)
and on a deliberately broken site (expecting the breakage to be reported), so no
gate can pass because it checks nothing.

The browser gates (accessibility, third-party requests, injected script) live in
``browser.py``; this module needs no browser.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
NODE_MODULES = TESTS / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

# --- pages and page types ------------------------------------------------------------


def html_files(site_dir: Path) -> list[Path]:
    """Every HTML page of a built site, in a stable order."""
    return sorted(p for p in Path(site_dir).rglob("*.html") if p.is_file())


def page_url(site_dir: Path, file: Path) -> str:
    """The site-relative URL a file is served at: 'deals/kent/index.html' -> 'deals/kent/'."""
    rel = file.relative_to(site_dir).as_posix()
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def page_types(site_dir: Path) -> dict[str, str]:
    """One page of every kind in the site: {kind: site-relative URL}.

    The kind of a page is its path with every segment below the top level that is one
    of several siblings replaced by '*': deals/kent/ and deals/essex/ are both
    'deals/*', one page of them is enough; powers/ stays 'powers'. New kinds of page
    made by other parts of the generator are picked up without listing them here.
    """
    site_dir = Path(site_dir)
    urls = [page_url(site_dir, f) for f in html_files(site_dir)]
    segments = [tuple(s for s in u.split("/") if s) for u in urls]
    children: dict[tuple, set] = {}
    for segs in segments:
        for i in range(len(segs)):
            children.setdefault(segs[:i], set()).add(segs[i])
    kinds: dict[str, str] = {}
    for url, segs in sorted(zip(urls, segments), key=lambda pair: pair[0]):
        shape = [
            "*" if i > 0 and len(children.get(segs[:i], ())) > 1 and not segs[i].endswith(".html") else seg
            for i, seg in enumerate(segs)
        ]
        kind = "/".join(shape) or "home"
        kinds.setdefault(kind, url)
    return kinds


# --- valid HTML: the Nu Html Checker -------------------------------------------------

# The ONE place where checker messages are accepted. Only messages caused by Material's
# own markup that our overrides cannot reasonably change belong here, each with why.
# Matched exactly against the checker's message text.
VNU_FILTERS: dict[str, str] = {
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”.": (
        "Material's base.html writes autocomplete=\"off\" on its hidden drawer and search toggle "
        "checkboxes (so browsers do not restore their state); it is in the body block of base.html, "
        "which we would have to copy whole to change. Harmless: browsers ignore it."
    ),
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden "
    "form control.": (
        "Material's partials/toc.html labels the table of contents with for=\"__toc\", but the "
        "__toc checkbox is written by the navigation only for pages in the nav; deal pages are "
        "kept out of the nav on purpose (every page carries the whole nav, ARCHITECTURE.md). "
        "The label is a heading for the TOC on small screens and works without the checkbox."
    ),
}


@dataclass(frozen=True)
class VnuMessage:
    file: str
    line: int
    type: str
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.type}: {self.message} [{self.extract.strip()[:120]}]"


def java_version() -> int:
    """The major version of the java on PATH (vnu needs 11 or newer)."""
    out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        raise RuntimeError(f"cannot read java's version from: {out!r}")
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 else major  # "1.8" is Java 8


def run_vnu(paths: list[Path]) -> list[VnuMessage]:
    """Every message of the Nu Html Checker over files or directories, in one JVM."""
    if not VNU_JAR.exists():
        raise RuntimeError(f"{VNU_JAR} is missing: run `make browser-deps` (npm ci in tests/)")
    if shutil.which("java") is None or java_version() < 11:
        raise RuntimeError("the Nu Html Checker needs Java 11 or newer: run `make browser-deps`")
    result = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"vnu printed no JSON (exit {result.returncode}): {result.stderr[-2000:]}") from None
    messages = []
    for m in report.get("messages", []):
        kind = m.get("type", "")
        if kind == "info" and m.get("subType") == "warning":
            kind = "warning"
        file = unquote(urlsplit(m.get("url", "")).path)
        messages.append(VnuMessage(file, m.get("lastLine", 0), kind, m.get("message", ""), m.get("extract", "")))
    return messages


def check_html(site_dir: Path, messages: list[VnuMessage] | None = None) -> list[str]:
    """Errors of the Nu Html Checker over every page, less the documented filters.

    ``messages``: the checker's messages for site_dir if already run (see run_vnu).
    """
    site_dir = Path(site_dir).resolve()
    problems = []
    for m in run_vnu([site_dir]) if messages is None else messages:
        if m.type in ("error", "non-document-error") and m.message not in VNU_FILTERS:
            shown = VnuMessage(str(Path(m.file).relative_to(site_dir)) if m.file.startswith(str(site_dir)) else m.file, m.line, m.type, m.message, m.extract)
            problems.append(str(shown))
    return problems


# --- links and anchors ---------------------------------------------------------------

LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "iframe": "src",
                   "source": "src", "audio": "src", "video": "src", "track": "src", "object": "data", "form": "action"}


def _ids(file: Path, cache: dict) -> set[str]:
    if file not in cache:
        tree = lxml.html.fromstring(file.read_bytes())
        cache[file] = {e.get("id") for e in tree.iter() if e.get("id")} | {
            e.get("name") for e in tree.iter("a") if e.get("name")
        }
    return cache[file]


def _target(site_dir: Path, path: str) -> Path | None:
    """The file a site path is served from, or None."""
    candidate = site_dir / unquote(path).lstrip("/")
    try:
        candidate.resolve().relative_to(site_dir)
    except ValueError:
        return None  # a link out of the site
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def site_links(site_dir: Path) -> list[tuple[str, str]]:
    """(page URL, link as written) for every link and embedded resource of every page."""
    site_dir = Path(site_dir).resolve()
    found = []
    for file in html_files(site_dir):
        url = page_url(site_dir, file)
        tree = lxml.html.fromstring(file.read_bytes())
        for element in tree.iter(*LINK_ATTRIBUTES):
            value = element.get(LINK_ATTRIBUTES[element.tag])
            if value is not None:
                found.append((url, value))
        for element in tree.iter("img", "source"):
            for part in (element.get("srcset") or "").split(","):
                if part.strip():
                    found.append((url, part.split()[0]))
    return found


def check_links(site_dir: Path, site_url: str | None = None) -> list[str]:
    """Every internal link resolves to a file, and every #fragment to an id in its page.

    Links to ``site_url`` (the canonical address) count as internal. External http(s),
    mailto: and tel: links are not followed (the site must work offline); any other
    scheme (javascript:, data:, ...) in a link is itself a problem, and so is a
    protocol-relative link (//host/path), which is usually a path joined to an empty base.
    """
    site_dir = Path(site_dir).resolve()
    base = "http://site.invalid/"
    problems, ids = [], {}
    for page, link in site_links(site_dir):
        where = f"/{page}: {link!r}"
        if site_url and link.startswith(site_url):
            link = "/" + link[len(site_url):]
        if link.strip().startswith("//"):
            problems.append(f"{where}: protocol-relative link (to host {urlsplit(link.strip()).hostname}): write https:// or a path")
            continue
        absolute = urljoin(base + page, link.strip())
        parts = urlsplit(absolute)
        if parts.scheme in ("mailto", "tel"):
            continue
        if parts.scheme not in ("http", "https"):
            problems.append(f"{where}: {parts.scheme}: links are not allowed")
            continue
        if parts.netloc != "site.invalid":
            continue  # an external web link
        target = _target(site_dir, parts.path)
        if target is None:
            problems.append(f"{where}: no such file {parts.path}")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in _ids(target, ids):
            problems.append(f"{where}: no id {fragment!r} in {target.relative_to(site_dir)}")
    return sorted(set(problems))


def site_url(config_file: Path = REPO / "mkdocs.yml") -> str | None:
    """mkdocs.yml's site_url, read without evaluating any tags."""
    match = re.search(r"^site_url:\s*(\S+)\s*$", Path(config_file).read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1).strip("'\"") if match else None


# --- strictness ----------------------------------------------------------------------


def tree_digest(directory: Path) -> dict[str, bytes]:
    """Every file under a directory and its bytes, to show a directory did not change."""
    directory = Path(directory)
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
