"""Real-browser helpers shared by the tests: serve a built site, drive Debian's chromium.

Typical use in a test module (fixtures ``browser`` and ``example_server`` come from
conftest.py)::

    from browser import open_page, run_axe

    def test_something(browser, example_server):
        context = browser.new_context(viewport=DESKTOP)
        page, log = open_page(context, example_server + "deals/kent/")
        assert log.problems() == []
        assert run_axe(page) == []

``open_page`` records every request, failed request, console error, uncaught page
error and dialog of a page from before it starts loading; requests that would leave
the local server are recorded and then refused, so a test never reaches the network.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from gates import AXE_JS

CHROMIUM = "/usr/bin/chromium"
# Quiet, offline chromium (the machine has no network: without these flags chromium
# keeps trying to reach Google's hosts at start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}

# axe-core tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


# --- serving a directory -----------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a directory on 127.0.0.1 at a free port; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve {directory}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch(playwright):
    """Debian's chromium, headless and offline (never a browser Playwright downloads)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# --- what a page did ------------------------------------------------------------------


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True  # made inside the page, never a request to a host
    return parts.hostname in LOCAL_HOSTS or f"[{parts.hostname}]" in LOCAL_HOSTS


@dataclass
class PageLog:
    """Everything a page asked for or complained about."""

    url: str
    requests: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every request off the local server, failed request, console error, page error and dialog."""
        where = self.url
        return (
            [f"{where}: request to another host: {u}" for u in self.third_party]
            + [f"{where}: failed request: {u}" for u in self.failed]
            + [f"{where}: console error: {m}" for m in self.console_errors]
            + [f"{where}: uncaught error: {m}" for m in self.page_errors]
            + [f"{where}: dialog opened: {m}" for m in self.dialogs]
        )


def watch(page, url: str = "") -> PageLog:
    """Start recording a page's requests, failures, console errors, page errors and dialogs."""
    log = PageLog(url)

    def on_request(request):
        log.requests.append(request.url)

    def on_response(response):
        if response.status >= 400:
            log.failed.append(f"{response.url} (HTTP {response.status})")

    def on_failed(request):
        if is_local(request.url):  # third-party ones are refused by us and listed already
            log.failed.append(f"{request.url} ({request.failure})")

    def on_console(message):
        if message.type == "error":
            log.console_errors.append(message.text)

    def on_dialog(dialog):
        log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("dialog", on_dialog)

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            log.third_party.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", route)
    return log


def open_page(context, url: str, *, wait: str = "networkidle"):
    """A new page in context, watched from the start and loaded; returns (page, log)."""
    page = context.new_page()
    log = watch(page, url)
    page.goto(url, wait_until=wait)
    return page, log


# --- accessibility ------------------------------------------------------------------


def run_axe(page, tags: list[str] = WCAG_TAGS) -> list[str]:
    """axe-core's WCAG A/AA violations on the loaded page, one line per failing element."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}));
        }""",
        tags,
    )
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']}: {node}" for v in result for node in v["nodes"]]


# --- injected script ------------------------------------------------------------------

# Hostile payloads set window.__pwned; any attribute that could run one is found too.
_FIND_HANDLERS = """() => Array.from(document.querySelectorAll('*')).flatMap(e =>
    Array.from(e.attributes).filter(a => a.value.includes('__pwned')
        && (/^on/i.test(a.name) || /^\\s*(javascript|data):/i.test(a.value)))
    .map(a => e.tagName.toLowerCase() + ' ' + a.name + '=' + a.value))"""


def injected(page, log: PageLog) -> list[str]:
    """Signs that script from the page's text ran, or could run, on a loaded page.

    window.__pwned set (the hostile corpus's payloads set it), an element with an event
    handler or javascript:/data: address carrying a payload, a dialog (alert, confirm,
    prompt) or an uncaught error.
    """
    where = page.url
    found = [f"{where}: window.__pwned was set"] if page.evaluate("() => window.__pwned !== undefined") else []
    found += [f"{where}: {h}" for h in page.evaluate(_FIND_HANDLERS)]
    return found + [f"{where}: dialog {d}" for d in log.dialogs] + [f"{where}: uncaught error {e}" for e in log.page_errors]
