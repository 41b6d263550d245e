"""The generated pages in a real browser: Playwright driving the system's headless Chromium
(``/usr/bin/chromium``; Playwright's own browser download is never used).  Every image loads,
nothing but the page's own file is requested, no console errors and no uncaught exceptions.
On a real notebook's page (notebook 01 on the sample) the brief is visible on top, before the
first chart, with 3 to 6 sentences each linking to a section of the page; every chart's alt
text is its title; the dashboard shows the brief's first sentence beside the notebook's
history charts.  Skips when Chromium is not installed.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from smallcaps import fmt
from smallcaps.page import BRIEF_SENTENCES
from smallcaps.runner import dashboard, run

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
REAL = "01_yields_vs_small_caps"  # the real notebook whose page is checked
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


# ---- a real notebook's page: the brief on top, before the first chart ------------------------

BRIEF_JS = """(() => {
    const box = e => { const r = e.getBoundingClientRect();
        return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
                left: r.left, width: r.width, height: r.height}; };
    const b = document.querySelector('section.sc-brief');
    if (!b) return null;
    const style = getComputedStyle(b);
    const r = b.getBoundingClientRect();
    // what a reader sees a little inside the brief's top left corner (a sticky banner or
    // anything else on top of it would be found instead)
    const seen = document.elementFromPoint(r.left + 8, r.top + 8);
    const img = document.querySelector('img');
    return {
        box: box(b), viewport: window.innerHeight, scrolled: window.scrollY,
        shown: style.display !== 'none' && style.visibility !== 'hidden'
               && parseFloat(style.opacity) > 0,
        on_top: !!seen && b.contains(seen),
        first_image_top: img ? box(img).top : null,
        sentences: Array.from(b.querySelectorAll('li')).map(li => ({
            text: li.innerText.trim(),
            links: Array.from(li.querySelectorAll('a')).map(a => {
                const href = a.getAttribute('href') || '';
                const target = href.startsWith('#')
                    ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
                return {href: href, target: target ? target.tagName : null,
                        target_top: target ? box(target).top : null};
            })}))};
})()"""
ALT_JS = "Array.from(document.images).map(i => i.getAttribute('alt'))"
NO_ALT = "No description has been provided for this image"
DASHBOARD_JS = """(name => {
    const box = e => { const r = e.getBoundingClientRect();
        return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
                width: r.width, height: r.height}; };
    const row = Array.from(document.querySelectorAll('table.sc-dashboard tr')).find(
        tr => Array.from(tr.querySelectorAll('a')).some(
            a => (a.getAttribute('href') || '').endsWith(name + '.html')));
    if (!row) return null;
    const line = row.querySelector('.sc-brief-line');
    const charts = Array.from(row.querySelectorAll('figure.sc-spark'));
    return {
        viewport: window.innerHeight,
        line: line ? {...box(line), text: line.innerText.trim(),
                      links: Array.from(line.querySelectorAll('a')).map(
                          a => a.getAttribute('href'))} : null,
        charts: charts.map(f => ({caption: f.querySelector('figcaption').innerText.trim(),
                                  svg: box(f.querySelector('svg'))}))};
})"""


def _png_titles(notebook: Path) -> list[str]:
    """The title matplotlib wrote into each chart's PNG (its ``Title`` text chunk), in page
    order, read from the executed notebook, independently of how the page makes alt text."""
    from PIL import Image

    titles = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs") or []:
            png = (out.get("data") or {}).get("image/png")
            if png:
                raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
                titles.append(Image.open(io.BytesIO(raw)).text.get("Title", ""))
    return titles


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Notebook 01 rendered on the sample into a folder of its own: (reports folder, its
    recorded figures)."""
    out = tmp_path_factory.mktemp("browser_real") / "reports"
    res = run([str(NOTEBOOKS / f"{REAL}.ipynb")], asof=ASOF, source="sample", out=out,
              progress=False)
    assert res.ok, res.summary()
    doc = json.loads((out / ASOF / f"{REAL}.json").read_text(encoding="utf-8"))
    return out, doc["figures"]


@pytest.fixture(scope="module")
def real_page(real, browser):
    out, _ = real
    visit = browser.open((out / ASOF / f"{REAL}.html").as_uri())
    assert visit.problems == []
    return visit


def test_real_page_loads_clean(real_page):
    images = real_page.evaluate(IMAGES_JS)
    assert len(images) >= 5 and all(i["ok"] and i["w"] >= 400 for i in images), images
    assert real_page.evaluate(BANNER_JS) >= 30  # the sample: the synthetic banner shows


def test_the_brief_is_visible_above_the_first_chart(real, real_page):
    _, figures = real
    b = real_page.evaluate(BRIEF_JS)
    assert b is not None, "no brief on the page"
    assert b["shown"] and b["on_top"], b
    assert b["box"]["width"] > 300 and b["box"]["height"] > 50, b["box"]
    assert b["scrolled"] == 0
    assert b["box"]["top"] < b["viewport"], (b["box"], b["viewport"])  # in the first screen
    assert b["first_image_top"] is not None
    assert b["box"]["bottom"] <= b["first_image_top"], b  # wholly before the first chart
    # 3 to 6 sentences, the ones the notebook recorded, each linking to a section below it
    sentences = b["sentences"]
    low, high = BRIEF_SENTENCES
    assert low <= len(sentences) <= high == 6 and low == 3, sentences
    assert len(sentences) == len(figures["brief"])
    for s in sentences:
        assert s["text"] and s["links"], s
        for link in s["links"]:
            assert link["href"].startswith("#") and link["target"] is not None, s
            assert link["target_top"] > b["box"]["bottom"], s
    assert sentences[0]["links"][0]["href"] == "#Full-sample-sensitivity"


def test_every_chart_has_its_title_as_alt_text(real, real_page):
    out, _ = real
    alts = real_page.evaluate(ALT_JS)
    titles = _png_titles(out / ASOF / f"{REAL}.ipynb")
    assert len(titles) == len(alts) >= 5
    assert all(t.strip() for t in titles), titles
    assert alts == titles
    assert not any(NO_ALT in a or a == "Chart" for a in alts), alts


def test_the_indexes_show_the_brief_beside_the_history(real, real_page, browser):
    out, figures = real
    first = real_page.evaluate(BRIEF_JS)["sentences"][0]
    # the run's index: the first sentence in the notebook's row, linking into the page
    run_index = browser.open((out / ASOF / "index.html").as_uri())
    assert run_index.problems == []
    line = run_index.evaluate("""(() => { const l = document.querySelector('.sc-brief-line');
        return l ? {text: l.innerText.trim(), h: l.getBoundingClientRect().height,
                    links: Array.from(l.querySelectorAll('a')).map(a => a.getAttribute('href'))}
                 : null; })()""")
    assert line is not None and line["h"] > 0
    assert line["text"] == first["text"]
    assert line["links"] == [f"{REAL}.html{first['links'][0]['href']}"]
    # the dashboard: the same sentence on the notebook's row, at the top of it, beside and not
    # below its history charts; the first chart is the rolling yield beta the notebook records
    top = browser.open((out / "index.html").as_uri())
    assert top.problems == []
    row = top.evaluate(f"{DASHBOARD_JS}({json.dumps(REAL)})")
    assert row is not None, "no dashboard row for the notebook"
    line = row["line"]
    assert line is not None and line["height"] > 0 and line["width"] > 100, row
    assert line["text"] == first["text"]
    assert line["links"] == [f"{ASOF}/{REAL}.html{first['links'][0]['href']}"]
    assert line["top"] < row["viewport"]
    assert row["charts"], row
    assert all(line["top"] <= c["svg"]["top"] and c["svg"]["height"] > 0
               for c in row["charts"]), row
    history = dashboard.HISTORY[dashboard.topic(REAL)]({})
    beta = figures["beta_rolling_latest_pct"]
    assert row["charts"][0]["caption"].startswith(history[0]["title"]), row["charts"]
    assert history[0]["lines"][0][0] == "beta_rolling_latest_pct"
    shown = dashboard.show(beta, history[0]["kind"])  # the pages' rounding of its unit
    assert shown.endswith(" pp") and shown in (fmt.pp(beta), fmt.pp(beta, 2))
    assert f"{shown} on {ASOF}" in row["charts"][0]["caption"], row["charts"]
