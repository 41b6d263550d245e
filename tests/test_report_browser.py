"""The generated pages in a real browser: Playwright driving the system's headless Chromium
(``/usr/bin/chromium``; Playwright's own browser download is never used).  Every image loads,
nothing but the page's own file is requested, no console errors and no uncaught exceptions.
Skips when Chromium is not installed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from smallcaps.runner import run

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
ASOF = "2024-01-31"
CHROMIUM = next(filter(None, (shutil.which(n) for n in ("chromium", "chromium-browser"))), None)
#: no sandbox (root in containers), no GPU, and no traffic of Chromium's own
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


@dataclass
class Visit:
    """What one page did while it loaded."""

    page: object  # playwright.sync_api.Page
    problems: list[str] = field(default_factory=list)

    def evaluate(self, expression: str):
        return self.page.evaluate(expression)


class Browser:
    """One headless Chromium; :meth:`open` loads a page in a fresh context and records every
    request, failed request, console error and uncaught exception on it."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=ARGS,
                                                     headless=True, timeout=60_000)
        except Exception:
            self._pw.stop()
            raise
        self._contexts: list = []

    def open(self, url: str) -> Visit:
        context = self._browser.new_context(offline=True)
        self._contexts.append(context)
        page = context.new_page()
        visit = Visit(page)

        def request(req) -> None:
            if req.url != url and not req.url.startswith("data:"):
                visit.problems.append(f"network request: {req.url}")

        def console(msg) -> None:
            if msg.type in ("error", "assert"):
                visit.problems.append(f"console.{msg.type}: {msg.text}")

        # nothing reaches the network, even if a page asked for it (it is recorded above)
        context.route("http*://**", lambda route: route.abort())
        page.on("request", request)
        page.on("console", console)
        page.on("pageerror", lambda exc: visit.problems.append(f"exception: {exc}"))
        page.on("requestfailed", lambda req: visit.problems.append(
            f"failed request: {req.url[:80]} ({req.failure})"))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")  # late console messages and requests
        return visit

    def close(self) -> None:
        try:
            for c in self._contexts:
                c.close()
            self._browser.close()
        finally:
            self._pw.stop()


IMAGES_JS = """Array.from(document.images).map(
    i => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth, src: i.src.slice(0, 40)}))"""
BANNER_JS = """(() => { const b = document.querySelector('.sc-synthetic');
    return b ? Math.round(b.getBoundingClientRect().height) : 0; })()"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "reports"
    res = run([str(FIXTURES / "01_fixture_ok.ipynb")], asof=ASOF, source="sample", out=out,
              progress=False)
    assert res.ok, res.summary()
    return out


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


def test_report_page_in_chromium(rendered, browser):
    visit = browser.open((rendered / ASOF / "01_fixture_ok.html").as_uri())
    assert visit.problems == []
    images = visit.evaluate(IMAGES_JS)
    assert len(images) == 1 and all(i["ok"] for i in images), images
    assert images[0]["w"] >= 400  # a chart, not an icon
    assert visit.evaluate(BANNER_JS) >= 30  # the synthetic banner is visible
    assert visit.evaluate("document.title") == "Fixture: records and a chart"


def test_index_pages_in_chromium(rendered, browser):
    for page in (rendered / "index.html", rendered / ASOF / "index.html"):
        visit = browser.open(page.as_uri())
        assert visit.problems == [], page
        links = visit.evaluate("Array.from(document.links).map(a => a.getAttribute('href'))")
        assert any(h.endswith("01_fixture_ok.html") for h in links), links
        assert all(i["ok"] for i in visit.evaluate(IMAGES_JS))


def test_the_checks_catch_a_broken_page(tmp_path, browser):
    """The same checks flag a missing image, a console error, an uncaught exception and a CDN
    script (which is recorded and never fetched)."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>bad</title>'
                   '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/'
                   'require.min.js"></script></head><body><img src="missing.png">'
                   '<script>console.error("boom")</script>'
                   '<script>undefinedFunction()</script></body></html>')
    visit = browser.open(bad.as_uri())
    problems = visit.problems
    assert "console.error: boom" in problems, problems
    assert any(p.startswith("network request: https://cdnjs") for p in problems), problems
    assert any(p.startswith("exception:") and "undefinedFunction" in p for p in problems)
    assert any(p.startswith("network request: file:") and "missing.png" in p
               for p in problems), problems
    assert [i["ok"] for i in visit.evaluate(IMAGES_JS)] == [False]
