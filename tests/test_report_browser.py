"""The generated pages in a real browser (headless Chromium over the DevTools protocol): every
image loads, nothing is requested from the network, no console errors.  Skips without Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from smallcaps.runner import run

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
ROOT = Path(__file__).resolve().parents[1]
ASOF = "2024-01-31"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


class Browser:
    """A headless Chromium and a minimal DevTools-protocol client (websocket-client)."""

    def __init__(self, profile: Path):
        import websocket

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.is_file() and len(port_file.read_text().split()) >= 2:
                break
            if self.proc.poll() is not None:
                raise RuntimeError("chromium exited at start-up")
            time.sleep(0.1)
        else:
            raise RuntimeError("chromium did not open its DevTools port")
        port, path = port_file.read_text().split()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60,
                                              suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for ev in self.events:
                if ev.get("method") == method:
                    return ev
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def open(self, url: str) -> tuple[str, list[dict]]:
        """Load ``url`` in a new tab; return (session id, events seen until load)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.events = []
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # late console messages
        self.send("Runtime.evaluate", {"expression": "1"}, session=session)
        return session, list(self.events)

    def evaluate(self, expression: str, session: str):
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": True}, session=session)
        return res["result"].get("value")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _problems(events: list[dict]) -> list[str]:
    out = []
    for ev in events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append(f"console.{p['type']}: {p.get('args')}")
        elif m == "Runtime.exceptionThrown":
            out.append(f"exception: {p.get('exceptionDetails', {}).get('text')}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                out.append(f"network request: {url}")
    return out


IMAGES_JS = """JSON.stringify(Array.from(document.images).map(
    i => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth, src: i.src.slice(0, 40)})))"""
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
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def test_report_page_in_chromium(rendered, browser):
    page = rendered / ASOF / "01_fixture_ok.html"
    session, events = browser.open(page.as_uri())
    assert _problems(events) == []
    images = json.loads(browser.evaluate(IMAGES_JS, session))
    assert len(images) == 1 and all(i["ok"] for i in images), images
    assert images[0]["w"] >= 400  # a chart, not an icon
    assert browser.evaluate(BANNER_JS, session) >= 30  # the synthetic banner is visible
    assert browser.evaluate("document.title", session) == "Fixture: records and a chart"


def test_index_pages_in_chromium(rendered, browser):
    for page in (rendered / "index.html", rendered / ASOF / "index.html"):
        session, events = browser.open(page.as_uri())
        assert _problems(events) == [], page
        links = browser.evaluate(
            "Array.from(document.links).map(a => a.getAttribute('href'))", session)
        assert any(h.endswith("01_fixture_ok.html") for h in links), links
        images = json.loads(browser.evaluate(IMAGES_JS, session))
        assert all(i["ok"] for i in images), images


def test_the_checks_catch_a_broken_page(tmp_path, browser):
    """The same checks flag a missing image, a console error and a CDN script."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>bad</title>'
                   '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/'
                   'require.min.js"></script></head><body><img src="missing.png">'
                   '<script>console.error("boom")</script></body></html>')
    session, events = browser.open(bad.as_uri())
    problems = _problems(events)
    assert any("console.error" in p for p in problems)
    assert any(p.startswith("network request: https://cdnjs") for p in problems)
    images = json.loads(browser.evaluate(IMAGES_JS, session))
    assert [i["ok"] for i in images] == [False]
