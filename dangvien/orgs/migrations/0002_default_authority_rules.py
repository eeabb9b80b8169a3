"""Default authority rules: who decides admissions and recognitions, from when, and why.

Administrators may change or add rules; these are only the defaults of the domain guide.
"""

from datetime import date

from django.db import migrations

BEFORE_2025 = (
    "Điều lệ Đảng; Quy định 24-QĐ/TW (2021): ban thường vụ cấp ủy cấp trên trực tiếp của "
    "tổ chức cơ sở đảng (huyện ủy và tương đương, đảng ủy khối) quyết định kết nạp và công "
    "nhận đảng viên chính thức [S]"
)
FROM_JULY_2025 = (
    "Quy định 294-QĐ/TW, Hướng dẫn 06-HD/TW (2025): sau khi bỏ cấp huyện, ban thường vụ "
    "đảng ủy xã, phường, đặc khu quyết định [U: suy luận, quản trị viên có thể sửa]"
)
# (kind, decides admission, decides recognition, effective from, source)
RULES = [
    ("district", True, True, date(2016, 1, 1), BEFORE_2025),
    ("bloc", True, True, date(2016, 1, 1), BEFORE_2025),
    ("district", False, False, date(2025, 7, 1), FROM_JULY_2025),
    ("commune", True, True, date(2025, 7, 1), FROM_JULY_2025),
    ("bloc", True, True, date(2025, 7, 1), FROM_JULY_2025),
]


def load(apps, schema_editor):
    AuthorityRule = apps.get_model("orgs", "AuthorityRule")
    for kind, admission, recognition, effective, source in RULES:
        AuthorityRule.objects.get_or_create(
            kind=kind,
            effective_from=effective,
            defaults={
                "decides_admission": admission,
                "decides_recognition": recognition,
                "source": source,
            },
        )


def unload(apps, schema_editor):
    AuthorityRule = apps.get_model("orgs", "AuthorityRule")
    for kind, _a, _r, effective, _s in RULES:
        AuthorityRule.objects.filter(kind=kind, effective_from=effective).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
