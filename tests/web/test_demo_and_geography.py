from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from dangvien.accounts.models import AuditEvent
from dangvien.orgs.models import Unit, UnitKind


@pytest.mark.django_db
def test_load_geography_creates_the_2025_map_once() -> None:
    out = StringIO()
    call_command("load_geography", stdout=out)
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 3321
    kinh_bac = Unit.objects.get(code="X09187")
    assert kinh_bac.name == "Đảng ủy phường Kinh Bắc"
    assert kinh_bac.parent is not None
    assert kinh_bac.parent.name == "Tỉnh ủy Bắc Ninh"
    assert Unit.objects.get(code="T48").name == "Thành ủy Đà Nẵng"
    before = (Unit.objects.count(), AuditEvent.objects.count())
    call_command("load_geography", stdout=StringIO())
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_demo_loads_the_seed_world_once() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "chibo.xem" in out.getvalue()
    assert "tinh.quantri" in out.getvalue()
    assert "DANGVIEN_2FA_REQUIRED_ROLE" in out.getvalue()  # whether those logins need a code
    kinh_bac = Unit.objects.get(code="X09187")
    cells = Unit.objects.filter(parent=kinh_bac, kind=UnitKind.CELL, valid_to__isnull=True)
    # Seed 000's 11 cells of Kinh Bắc (6 residential, 3 school, 1 health, 1 police) plus the
    # two of Đại Phúc, merged into the new ward in July 2025.
    kinds = sorted(cells.filter(code__startswith="BNIN.TP.KB").values_list("cell_kind", flat=True))
    assert kinds == sorted(["residential"] * 6 + ["school"] * 3 + ["health", "police"])
    old = Unit.objects.get(code="BNIN.TP.KB")
    assert old.successor == kinh_bac
    assert old.valid_to is not None
    counts = Unit.objects.count()
    call_command("demo", stdout=StringIO())
    assert Unit.objects.count() == counts


def test_english_catalogue_is_complete_and_compiled() -> None:
    """Every Vietnamese string in the catalogue has an English translation in the .mo."""
    import gettext
    import re
    from pathlib import Path

    import dangvien

    folder = Path(dangvien.__file__).parent / "locale" / "en" / "LC_MESSAGES"
    po = (folder / "django.po").read_text(encoding="utf-8")
    compiled = gettext.GNUTranslations((folder / "django.mo").open("rb"))

    def text(block: str) -> str:
        # The .po's escapes undone: \" \\ \n \t (a message may hold a backslash).
        escaped = "".join(re.findall(r'"(.*)"', block))
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), escaped)

    # (context or "", msgid): strings with a context (pgettext) are looked up with it.
    ids = [
        (text(context), text(block))
        for context, block in re.findall(
            r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)', po, re.M
        )
    ]
    singular = [(c, i) for c, i in ids if i]
    assert len(singular) > 100
    assert any(c for c, _i in singular)  # the contexts are read too

    def english(context: str, msgid: str) -> str:
        return compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)

    untranslated = [
        i for c, i in singular if english(c, i) == i and i not in {"English", "Tiếng Việt"}
    ]
    assert untranslated == []
