"""Default rule versions of the domain guide. [S]: found in a secondary source quoting the
regulation; [U]: uncertain. Administrators add versions; this only adds what is missing."""

from datetime import date

from django.db import migrations

S_29_24 = (
    "Điều lệ Đảng; Quy định 29-QĐ/TW (2016) và Quy định 24-QĐ/TW (2021) thi hành Điều lệ; "
    "Hướng dẫn 12-HD/BTCTW [S]"
)
RULES = [
    (
        "transfer.deadline_working_days",
        date(2016, 1, 1),
        60,
        "Chuyển sinh hoạt đảng: tổ chức đảng nơi đến tiếp nhận trong 60 ngày làm việc",
        S_29_24,
    ),
    (
        "register.reconciliation_months",
        date(2016, 1, 1),
        6,
        "Đối chiếu danh sách đảng viên với hồ sơ đảng viên 6 tháng một lần",
        S_29_24,
    ),
    (
        "member.party_age_from",
        date(2016, 1, 1),
        "decision_date",
        "Tuổi đảng tính từ ngày ghi trong quyết định kết nạp, trừ thời gian không ở trong Đảng",
        S_29_24,
    ),
    (
        "person.citizen_id_digits",
        date(2021, 7, 1),
        12,
        "Số định danh cá nhân (căn cước công dân) gồm 12 chữ số",
        "Luật Căn cước công dân 2014; Nghị định 137/2015/NĐ-CP",
    ),
]


def load(apps, schema_editor):
    RuleVersion = apps.get_model("rulebook", "RuleVersion")
    for key, effective, value, title, source in RULES:
        RuleVersion.objects.get_or_create(
            key=key,
            effective_from=effective,
            defaults={"value": value, "title": title, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
