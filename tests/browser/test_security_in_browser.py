"""The strict Content-Security-Policy in a real browser: pages work under it (the print
button, htmx), and the `page` fixture's violation check does catch a violation."""

from __future__ import annotations

from typing import Any

import pytest

from dangvien.lib.security import CONTENT_SECURITY_POLICY
from tests.browser.signing_in import sign_in
from tests.conftest import World
from tests.people.factories import make_people

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_print_button_prints_under_the_policy(
    page: Any, live_server: Any, world: World
) -> None:
    make_people(world.cell_1, ["Lê Thị An", "Trần Văn Bình"])
    base = live_server.url
    sign_in(page, base, "bithu")
    response = page.goto(f"{base}/nguoi/so/{world.cell_1.pk}/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # The print dialog would block a headless browser: count the calls instead.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="In", exact=True).click()
    assert page.evaluate("window.printed") == 1


def test_the_fixture_catches_a_violation(page: Any, live_server: Any, world: World) -> None:
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    # An inline style attribute written into the page is refused by the policy.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(300)
    assert any("style-src" in text for text in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # seen and expected: the fixture's own check passes
