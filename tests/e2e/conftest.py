"""Browser tests: the real app (``python app.py``) in a subprocess over a tiny model, driven by Playwright in
Debian's headless Chromium. Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
#: ms to wait for a result that embeds a tab's example (100–300 texts) on a shared 2-core CI machine.
SLOW = 180_000
CHROMIUM = os.environ.get("HARRIER_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"app did not answer within {timeout}s:\n{log.read_text()[-4000:]}")


def run_app(model: str, tmp: Path, **env: str):
    """Run ``python app.py --model MODEL`` with its own cache folder; yield its URL once it answers."""
    port = free_port()
    log = tmp / "app.log"
    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1", **env)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--model", model, "--port", str(port),
                                 "--cache-dir", str(tmp / "cache")], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(tiny_gemma, tmp_path_factory) -> str:
    """URL of a running app over the tiny Gemma3 decoder, with its own cache folder."""
    yield from run_app(str(tiny_gemma), tmp_path_factory.mktemp("app"))


@pytest.fixture(scope="session")
def gate(tmp_path_factory) -> Path:
    """The folder through which the gated app's encoder says a run is in flight and waits to be let on (fake.py)."""
    return tmp_path_factory.mktemp("gate")


@pytest.fixture(scope="session")
def gated_app_url(gate, tmp_path_factory) -> str:
    """URL of an app over the hash test encoder whose every embedding call waits at ``gate``."""
    yield from run_app("fake:hash", tmp_path_factory.mktemp("gated-app"), HARRIER_FAKE_GATE=str(gate))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (the README's set-up does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def open_page(browser, url: str):
    """A fresh page on the app at ``url``, with the model loaded (the header names it)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_text("self-check").first.wait_for()
    yield page
    context.close()


@pytest.fixture
def page(browser, app_url):
    yield from open_page(browser, app_url)


@pytest.fixture
def gated_page(browser, gated_app_url):
    yield from open_page(browser, gated_app_url)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_tab(page, name: str, result_id: str):
    """Click the tab called ``name``; return the locator of its result summary ``#result_id``."""
    page.get_by_role("tab", name=name).click()
    return page.locator(f"#{result_id}")


def visible(page, text: str):
    """The first visible element with this text (Gradio keeps hidden copies of some labels and file names)."""
    return page.get_by_text(text).filter(visible=True).first


def download(page, name: str):
    """The download link of a result file (the file name itself is shown split into stem and extension)."""
    return page.locator(f'a[download="{name}"]')


def readable(page, selector: str) -> bool:
    """Whether the text at the middle of the element is the element's own, not an overlay (an error or progress
    cover drawn over it): asks the browser which element is on top at that point."""
    return page.evaluate("""(selector) => {
        const element = document.querySelector(selector);
        element.scrollIntoView({block: "center"});
        const box = element.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 12));
        return element.contains(top) && !top.closest('[data-testid="status-tracker"]');
    }""", selector)


def screen_size(page) -> None:
    """The viewport the tabs are laid out for and screenshot at: 1440 × 900."""
    page.set_viewport_size({"width": 1440, "height": 900})


def upload(page, elem_id: str, path: Path) -> None:
    """Upload a file into the File component ``#elem_id`` and wait until Gradio lists it (a click before that would
    send the component's old value)."""
    page.locator(f"#{elem_id} input[type=file]").set_input_files(str(path))
    page.locator(f'#{elem_id} td.filename[aria-label="{path.name}"]').wait_for()


def dismiss_errors(page) -> None:
    """Close every error toast, so none covers a button the test clicks next. Clicked in the page, again at each
    poll until none is left: a toast that arrives after the first click (a loaded machine delivered one late and
    a test failed) is closed too, and one that closes itself meanwhile is no element left to wait for."""
    page.wait_for_function("""() => {
        document.querySelectorAll('[data-testid=toast-close]').forEach(button => button.click());
        return document.querySelectorAll('[data-testid=toast-body]').length === 0;
    }""", timeout=SLOW, polling=250)


def expect_no_sideways_scrolling(page, elem_id: str, timeout: float = 30_000) -> None:
    """Wait until nothing inside ``#elem_id`` (a table, say) is wider than the box that shows it: column widths
    arrive with an update and the table lays itself out in a later frame."""
    from playwright.sync_api import Error

    try:
        page.wait_for_function("""id => {
            const root = document.getElementById(id);
            return root && [root, ...root.querySelectorAll('*')].every(e =>
                !['auto', 'scroll'].includes(getComputedStyle(e).overflowX) || e.scrollWidth <= e.clientWidth + 1);
        }""", arg=elem_id, timeout=timeout)
    except Error as exc:
        raise AssertionError(f"#{elem_id} still scrolls sideways after {timeout / 1000:.0f} s") from exc


def plot_trace(page, elem_id: str, index: int = 0) -> dict:
    """Trace ``index`` of the plotly figure in ``#elem_id``, once plotly has drawn it."""
    selector = f"#{elem_id} .js-plotly-plot"
    page.wait_for_function("s => document.querySelector(s)?.data?.length > 0", arg=selector)
    return page.locator(selector).evaluate(f"plot => plot.data[{index}]")


def choose_model_b(page, reference: str) -> None:
    """Type a model reference into "Compare with model B" at the top of the page."""
    from playwright.sync_api import expect

    box = page.locator("#hx-model-b input")
    box.fill(reference)
    box.press("Enter")
    expect(box).to_have_value(reference)
