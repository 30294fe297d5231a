# The CSP browser check uses the browser tests' Playwright fixtures.
from tests.browser.conftest import browser, new_page  # noqa: F401
