"""Browser fixtures: Playwright driving Debian's chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop on the test thread; the ORM calls that build test data on that
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CHROMIUM_MISSING_REASON = f"browser tests need Debian's chromium at {CHROMIUM} (never a downloaded browser)"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING_REASON)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING_REASON)
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


DEFAULT_CONTEXT = {
    # A Vietnamese browser: LocaleMiddleware would otherwise pick English from Accept-Language.
    "locale": "vi-VN",
    "viewport": {"width": 1280, "height": 900},
}


@pytest.fixture
def new_page(browser):
    """new_page(java_script_enabled=False, viewport=...) opens a page in a fresh context."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{**DEFAULT_CONTEXT, **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves test-artifacts/name.png (full page) and returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(target, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        target.screenshot(path=str(path), full_page=full_page)
        return path

    return take


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def follow(page, target) -> None:
    """Clicks a link or button that loads a new page and returns once that page has loaded. Playwright's click
    returns before the navigation: axe run in between found no document (CI, 2026-11-24)."""
    with page.expect_navigation():
        target.click()


@pytest.fixture
def axe_check():
    """axe_check(page) runs axe-core (bundled in the axe-playwright-python package: nothing downloaded) with the
    WCAG 2.2 A/AA rules and fails listing every violation with its nodes."""
    sync_axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="needs axe-playwright-python"
    )
    axe = sync_axe.Axe()

    def check(target, *, name: str = "") -> None:
        results = axe.run(target, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response.get("violations", [])
        report = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
            for v in violations
        ]
        assert not violations, (
            f"axe found {len(violations)} violation(s) on {name or target.url}:\n" + "\n".join(report)
        )

    return check
