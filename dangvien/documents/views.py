"""The list of official forms and their downloads (blank, or the sample filled form).

The forms are public documents: any logged-in user may download them, and neither the blank
nor the sample form holds anyone's personal data (the sample person is invented).
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangvien.documents.context import FormContext
from dangvien.documents.forms_registry import FORMS, UnknownForm, get_form
from dangvien.documents.render import render_docx, render_pdf

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    return render(request, "documents/list.html", {"forms": FORMS})


def content_disposition(ascii_name: str, name: str) -> str:
    """An ASCII `filename` for old clients and the Vietnamese name as RFC 5987 `filename*`."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@require_GET
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        form = get_form(code)
    except UnknownForm:
        raise Http404 from None
    sample = request.GET.get("mau") == "1"
    context = FormContext.sample() if sample else FormContext.blank()
    body = render_docx(form.code, context) if fmt == "docx" else render_pdf(form.code, context)
    suffix = ("-vi-du", "-ví-dụ") if sample else ("", "")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(
        f"Mau-{form.slug}{suffix[0]}.{fmt}", f"Mẫu-{form.code}{suffix[1]}.{fmt}"
    )
    return response
