"""Security headers that Django 5.2 does not send by itself: a strict Content-Security-Policy
and a Permissions-Policy, on every response (pages, errors, the admin, static files).

The policy allows scripts and styles only from the application's own origin: no inline
`<script>`, no `style="…"` attribute, no `<style>` element, no `onclick=`, no `javascript:`
URL. The templates keep to that (a test renders every page and looks), htmx is told not to
inject its indicator `<style>` and not to evaluate code (`<meta name="htmx-config">` in
`base.html`), and the print buttons use `dangvien/print.js`. A party file is confidential: a
script injected through a name or a note must not run, and the policy is the second wall
behind the templates' escaping.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Each directive on its own line, so a change shows in review as one line with its reason.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # data: images are allowed (nothing uses them today); the report charts and the
        # two-factor QR code are inline SVG elements of the page, not images.
        "img-src 'self' data:",
        "font-src 'self'",
        # htmx's requests go back to the application only.
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Nothing in the application uses these browser features: deny them to every frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    # Django's own middlewares send these on the responses that pass through them; setting
    # them here too covers what returns before them (static files from whitenoise).
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


class SecurityHeadersMiddleware:
    """Adds `SECURITY_HEADERS` to every response, without overriding a header a view set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
