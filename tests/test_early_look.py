"""`dealsite serve`'s early look (engine/mkdocs/early.py): after an edit to one deal file, the
deal's own pages are served before the rebuild ends, made from the last build with only that
deal changed.

What must hold whatever the edit: the early look shows nothing, or exactly the bytes the
rebuild then writes; and never a page the rebuild does not publish (a deal or reading the edit
holds back, a file the build refuses). The builds run in a process of their own, as a server's
do: MkDocs' dirty build in serve mode with one plugin object kept across builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator.engine.pipeline import Settings, edited_deal_file
from serve_support import eventually

# --- which edits get an early look ------------------------------------------------------------


def _settings(project: Path) -> Settings:
    return Settings(deals_dir=project / "deals", content_dir=project / "content", templates_dir=project / "site_templates")


@pytest.fixture
def folder(tmp_path):
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("kent.yaml", "essex.yaml", "_rounds.yaml", "README.md"):
        (deals / name).write_text("x\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("x\n", encoding="utf-8")
    return tmp_path


def test_one_edited_deal_file_is_the_one_looked_at(folder):
    kent = folder / "deals" / "kent.yaml"
    assert edited_deal_file(_settings(folder), [str(kent)]) == kent


def test_an_editors_swap_and_removed_backup_files_are_passed_over(folder):
    deals = folder / "deals"
    (deals / ".kent.yaml.swp").write_text("x", encoding="utf-8")
    heard = [str(deals / n) for n in (".kent.yaml.swp", "kent.yaml~", "4913", "kent.yaml")]  # vim's save
    assert edited_deal_file(_settings(folder), heard) == deals / "kent.yaml"


@pytest.mark.parametrize(
    "names",
    [
        ("kent.yaml", "essex.yaml"),  # two deals
        ("kent.yaml", "_rounds.yaml"),  # a shared file: every deal's pages
        ("_rounds.yaml",),
        ("gone.yaml",),  # a deleted deal
        ("kent.yaml", "gone.yaml"),
        ("README.md",),  # nothing a build reads: no deal either
        ("kent.yaml", "../content/index.md"),  # a page outside the deals
        ("Kent.yaml",),  # a name the build refuses
    ],
)
def test_anything_else_edited_means_no_early_look(folder, names):
    heard = [str(folder / "deals" / n) for n in names]
    (folder / "deals" / "Kent.yaml").write_text("x\n", encoding="utf-8")
    assert edited_deal_file(_settings(folder), heard) is None


def test_a_stray_copy_still_there_means_no_early_look(folder):
    (folder / "deals" / "kent.yaml~").write_text("x\n", encoding="utf-8")  # the build refuses it
    heard = [str(folder / "deals" / n) for n in ("kent.yaml~", "kent.yaml")]
    assert edited_deal_file(_settings(folder), heard) is None


# --- the pages shown early are the pages the rebuild writes --------------------------------------

SOON = "soon"  # an embargo lifting a few seconds after the edit: between the early look and the rebuild
MOMENTS = {"past": "2001-01-01T00:00:00+00:00", "future": "2099-01-01T00:00:00+00:00", SOON: None}

title = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=40)
held = st.one_of(st.just("draft"), st.sampled_from(sorted(MOMENTS)))
edit = st.one_of(
    st.tuples(st.just("title"), st.sampled_from(["kent", "cornwall"]), title),
    st.tuples(st.just("value"), st.just("kent"), st.decimals(min_value=0, max_value=100, places=1).map(str)),
    st.tuples(st.just("deal held"), st.sampled_from(["kent", "cornwall"]), held),
    st.tuples(st.just("reading held"), st.just("kent"), held),
    st.tuples(st.just("broken"), st.just("cornwall"), st.just("")),
)

# Edits whose deal the rebuild publishes, which must be looked at early.
# A commentary changes only the deal's own pages: the rebuild renders no page in the navigation,
# whose labels must still be the titles a whole build gives them.
PLAIN = [("title", "kent", "Kent renamed early"), ("value", "kent", "60.5"), ("deal held", "cornwall", "past"),
         ("commentary", "kent", "Six of the nine")]


def _edited(text: str, kind: str, value: str) -> str:
    if kind == "title":
        lines = text.split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("title: "))
        lines[at] = "title: " + json.dumps(value)
        return "\n".join(lines)
    if kind == "covers":  # names enough for an A to Z page per letter: pages come that updates' links are checked against
        names = ", ".join(f"{value} {i:03d}" for i in range(200))
        return text.replace("\n  name: Kent\n", f"\n  name: Kent\n  covers: [{names}]\n", 1)
    if kind == "commentary":
        return text.replace("commentary: Five of the nine", f"commentary: {value}", 1)
    if kind == "value":
        return text.replace('value: "59.5"\n', f'value: "{value}"\n', 1)
    if kind == "broken":
        return text + "\n: [\n"
    field = "draft: true" if value == "draft" else f"publish_after: {MOMENTS[value] or _soon()}"
    if kind == "deal held":
        return text.replace("\ntitle: ", f"\n{field}\ntitle: ", 1)
    if kind == "reading held":
        return text.replace('value: "59.5"\n', f'value: "59.5"\n        {field}\n', 1)
    raise ValueError(kind)


def _soon() -> str:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)).isoformat(timespec="seconds")


def _looked(project: Path, edits: list) -> list[dict]:
    run = subprocess.run([sys.executable, __file__, str(project), json.dumps(edits)], capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _check(result: dict) -> None:
    edit = result["edit"]
    for path, shown in result["early"].items():
        assert result["built"], f"{edit}: shown early, then the rebuild failed"
        if edit[2] != SOON:  # else an embargo lifted in between: the rebuild shows more (and browsers reload)
            assert result["final"][path] == shown, f"{edit}: {path} shown early differs from the rebuild's"
    if result["final"]["deals/{}/index.html".format(edit[1])] is None:
        assert not result["early"], f"{edit}: a page the rebuild does not publish was shown early"


def test_an_edit_that_changes_which_pages_the_site_has_is_not_shown_early(tmp_path, project_copy):
    """Links in updates and pages are checked against the site's pages: an edit that brings the
    A to Z's letter pages (or takes them away) could fail the build, so it waits for it.
    (Found by an outside attack: an update's link to places/z.md broke after an edit.)"""
    project = project_copy(tmp_path / "project")
    essex = project / "deals" / "essex.yaml"  # 150 names: with kent's 200 more, past the 300 the home page lists
    names = ", ".join(f"Essex town {i:03d}" for i in range(150))
    essex.write_text(essex.read_text(encoding="utf-8").replace("\n  name: Essex\n", f"\n  name: Essex\n  covers: [{names}]\n", 1), encoding="utf-8")
    (result,) = _looked(project, [("covers", "kent", "Zedtown")])
    assert result["built"] and result["final"]["deals/kent/index.html"] is not None
    assert result["early"] == {}


def test_after_a_commit_the_next_edit_waits_for_the_rebuild_which_reads_the_history_again(tmp_path, project_copy):
    """A commit changes no file a preview watches, so nothing is rebuilt; the next edit's pages
    take their dates from the history, which the last build read before the commit. (Found by
    an outside attack: "data last changed" was today early, the commit's day after the rebuild.)"""
    project = project_copy(tmp_path / "project")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "deals"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=project, check=True)
    first, committed, after = _looked(project, [("commentary", "kent", "Seven of the nine"), ("commit", "kent", ""),
                                              ("title", "kent", "Kent after a commit")])
    assert first["early"] and committed["edit"][0] == "commit"
    assert after["early"] == {} and after["built"]
    _check(first)


def test_a_plain_edit_is_shown_early_as_the_rebuild_writes_it(tmp_path, project_copy):
    for result in _looked(project_copy(tmp_path / "project"), PLAIN):
        assert set(result["early"]) == {f"deals/{result['edit'][1]}/index.html", f"deals/{result['edit'][1]}/tables/index.html"}, result["edit"]
        _check(result)


# Each kind of edit at least once; then random ones. A failure names its edit: shrinking a list
# of edits, a build each, would take far longer than it tells.
EVERY_KIND = [
    ("title", "kent", "<script>alert(1)</script> & \u2028 Kent"), ("title", "cornwall", ""), ("value", "kent", "0.0"),
    ("deal held", "kent", "draft"), ("deal held", "cornwall", "future"), ("deal held", "kent", SOON),
    ("reading held", "kent", "draft"), ("reading held", "kent", "future"), ("reading held", "kent", "past"),
    ("broken", "cornwall", ""),
]


@settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(edit, min_size=10, max_size=10))
@example(edits=EVERY_KIND)
def test_whatever_the_edit_the_early_look_shows_nothing_or_what_the_rebuild_writes(tmp_path_factory, project_copy, edits):
    project = project_copy(tmp_path_factory.mktemp("early") / "project")
    results = _looked(project, edits)
    assert len(results) == len(edits)
    for result in results:
        _check(result)


# --- the server serves them, and holds every other page --------------------------------------------


def _server(root: Path):
    from mkdocs.livereload import LiveReloadServer

    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))


def _get(app, path: str) -> tuple[str, bytes]:
    status = []
    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda s, headers: status.append(s)))
    return status[0], body


def test_mkdocs_server_has_what_the_early_look_uses(tmp_path):
    from generator.engine.mkdocs.early import server_as_expected

    assert server_as_expected(_server(tmp_path))


def test_mkdocs_builds_one_page_in_two_steps_the_early_look_calls():
    import inspect

    from mkdocs.commands import build

    assert list(inspect.signature(build._populate_page).parameters)[:3] == ["page", "config", "files"]
    assert list(inspect.signature(build._build_page).parameters)[:5] == ["page", "config", "doc_files", "nav", "env"]


def _rebuild_starts(server) -> None:
    """What MkDocs' server does as a rebuild starts: a new version of the site is wanted."""
    with server._epoch_cond:
        server._wanted_epoch = server._visible_epoch + 5


def _rebuild_ends(server) -> None:
    """What MkDocs' server does once the builder returns: the wanted version is the one served."""
    with server._epoch_cond:
        server._visible_epoch = server._wanted_epoch
        server._epoch_cond.notify_all()


def _in_background(call) -> list:
    got: list = []
    threading.Thread(target=lambda: got.append(call()), daemon=True).start()
    return got


def test_the_page_shown_early_is_served_at_once_and_every_other_page_waits(tmp_path):
    from generator.engine.mkdocs.early import EarlyLook

    (tmp_path / "deals" / "kent").mkdir(parents=True)
    (tmp_path / "deals" / "kent" / "index.html").write_bytes(b"<html><body>old kent</body></html>")
    (tmp_path / "index.html").write_bytes(b"<html><body>home</body></html>")
    server = _server(tmp_path)
    look = EarlyLook(server)
    before = server._visible_epoch
    _rebuild_starts(server)
    waiting = _in_background(lambda: _get(server.get_app(), "/"))  # asked for before the early look: still held
    kent = _in_background(lambda: _get(server.get_app(), "/deals/kent/"))  # ... unless it is the page shown
    time.sleep(0.3)
    assert waiting == [] and kent == []
    look.show({"deals/kent/index.html": b"<html><body>new kent</body></html>"})
    assert eventually(lambda: kent != [], 30) and b"new kent" in kent[0][1]
    assert _get(server.get_app(), f"/livereload/{before}/1")[1] == b"%d" % server._wanted_epoch  # browsers reload
    for path in ("/deals/kent/", "/deals/kent/index.html"):
        status, body = _get(server.get_app(), path)
        assert status.startswith("200") and b"new kent" in body and b"livereload" in body
    other = _in_background(lambda: _get(server.get_app(), "/"))
    time.sleep(0.3)
    assert waiting == [] and other == []  # held while the rebuild runs
    (tmp_path / "deals" / "kent" / "index.html").write_bytes(b"<html><body>new kent</body></html>")
    (tmp_path / "index.html").write_bytes(b"<html><body>new home</body></html>")
    assert look.done(built=True) is False  # the rebuild wrote what was shown: no second reload
    _rebuild_ends(server)
    assert eventually(lambda: len(waiting + other) == 2, 30)
    assert all(b"new home" in body for _, body in waiting + other)  # the rebuilt page


def test_a_path_under_livereload_that_is_not_the_reload_poll_waits_like_any_file(tmp_path):
    """MkDocs serves /livereload/../index.html as the file index.html: it must wait for the
    rebuild like any other. (Found by an outside attack: it was served from the half-rebuilt site.)"""
    from generator.engine.mkdocs.early import EarlyLook

    (tmp_path / "index.html").write_bytes(b"<html><body>home</body></html>")
    server = _server(tmp_path)
    look = EarlyLook(server)
    _rebuild_starts(server)
    look.show({"deals/kent/index.html": b"<html><body>new kent</body></html>"})
    served = []
    for path in ("/livereload/../index.html", "/livereload/nope", "/x/../livereload/1/2/../../../index.html"):
        served.append(_in_background(lambda p=path: _get(server.get_app(), p)))
    time.sleep(0.3)
    assert served == [[], [], []]
    look.done(built=True)
    _rebuild_ends(server)
    assert eventually(lambda: all(len(got) == 1 for got in served), 30)


def test_the_themes_stylesheets_and_scripts_are_served_at_once_so_the_page_shown_early_can_be_drawn(tmp_path):
    from generator.engine.mkdocs.early import EarlyLook

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "main.css").write_bytes(b"body{}")
    (tmp_path / "assets" / "data.csv").write_bytes(b"a,b")
    server = _server(tmp_path)
    look = EarlyLook(server)
    _rebuild_starts(server)
    look.show({"deals/kent/index.html": b"<html><body>new kent</body></html>"}, frozenset({"assets/main.css"}))
    status, body = _get(server.get_app(), "/assets/main.css")
    assert status.startswith("200") and body == b"body{}"
    held = _in_background(lambda: _get(server.get_app(), "/assets/data.csv"))
    time.sleep(0.3)
    assert held == []
    look.done(built=True)
    _rebuild_ends(server)


def test_browsers_reload_again_when_the_rebuild_fails_or_writes_something_else(tmp_path):
    from generator.engine.mkdocs.early import EarlyLook

    (tmp_path / "deals" / "kent").mkdir(parents=True)
    (tmp_path / "deals" / "kent" / "index.html").write_bytes(b"old")
    server = _server(tmp_path)
    look = EarlyLook(server)
    for built, on_disk in ((True, b"other"), (False, b"new")):
        (tmp_path / "deals" / "kent" / "index.html").write_bytes(on_disk)
        _rebuild_starts(server)
        look.show({"deals/kent/index.html": b"new"})
        shown = server._wanted_epoch
        _, body = _get(server.get_app(), "/deals/kent/")
        assert f"livereload({shown}," in body.decode().replace(" ", "")  # its script waits for a newer version
        assert look.done(built=built) is True
        _rebuild_ends(server)
        assert int(_get(server.get_app(), f"/livereload/{shown}/1")[1]) > shown  # so it reloads


# --- the builds, in a process of their own -----------------------------------------------------------


def _digest(path: Path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _serve_builds(project: Path, edits: list) -> list[dict]:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = project.parent / "served"

    def config():
        return load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)

    config().plugins.on_startup(command="serve", dirty=True)
    mkdocs_build(config(), serve_url="http://127.0.0.1:8000/", dirty=False)
    originals: dict = {}
    kept: dict = {}  # each deal's last edit, for a commit
    results = []
    for kind, slug, value in edits:
        path = project / "deals" / f"{slug}.yaml"
        if kind == "commit":  # the edit so far, committed; a preview hears nothing of it
            path.write_text(_edited(originals[slug], *kept[slug]), encoding="utf-8")
            for args in (["add", "-A"], ["commit", "-q", "-m", "edit"]):
                subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=project, check=True)
            originals[slug] = path.read_text(encoding="utf-8")
            results.append({"edit": [kind, slug, value], "built": True, "early": {}, "final": {}})
            continue
        original = originals.setdefault(slug, path.read_text(encoding="utf-8"))
        path.write_text(_edited(original, kind, value), encoding="utf-8")
        made = config()
        early = made.plugins["dealsite"].edited_pages(path)
        if kind == "deal held" and value == SOON or kind == "reading held" and value == SOON:
            time.sleep(2.5)  # the embargo lifts before the rebuild
        try:
            mkdocs_build(made, serve_url="http://127.0.0.1:8000/", dirty=True)
            built = True
        except Exception:  # noqa: BLE001 - a refused file fails the build, as it fails serve's rebuild
            built = False
        pages = {f"deals/{slug}/index.html", f"deals/{slug}/tables/index.html"} | set(early)
        results.append({
            "edit": [kind, slug, value], "built": built,
            "early": {p: hashlib.sha256(html).hexdigest() for p, html in early.items()},
            "final": {p: _digest(site / p) if built else None for p in pages},
        })
        kept[slug] = (kind, value)
        path.write_text(original, encoding="utf-8")  # each edit on its own
        mkdocs_build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
    config().plugins.on_shutdown()
    return results


if __name__ == "__main__":  # the server's process, started by the tests above
    print(json.dumps(_serve_builds(Path(sys.argv[1]), json.loads(sys.argv[2]))))
