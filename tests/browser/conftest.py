"""Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are synchronous and safe, so Django's guard against async contexts is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Runs before any script of each page (the browser's own channel: the page's policy does not
# apply to it) and reports every Content-Security-Policy violation on the console.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked "
    + (event.blockedURI || "inline code") + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def _is_csp_violation(message: Any) -> bool:
    # Chromium's own report ("Refused to … because it violates the following Content
    # Security Policy directive …") and the listener's above.
    text = str(message.text)
    return message.type == "error" and (
        "Content Security Policy" in text or text.startswith("CSP violation")
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN")
    # Any request that leaves the app would be an outside asset: record it.
    outside: list[str] = []
    context.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if not req.url.startswith(("http://localhost", "http://127.0.0.1"))
            else None
        ),
    )
    # Every browser test also checks that no page broke the Content-Security-Policy.
    violations: list[str] = []
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: violations.append(message.text) if _is_csp_violation(message) else None,
    )
    page.outside_requests = outside
    page.csp_violations = violations
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
