"""Rules the reports read from the rulebook, as dated versions with their sources.

[S]: found in a secondary source quoting the document; [U]: uncertain, kept as the default
for an administrator to confirm or change by adding a version.
"""

from datetime import date

from django.db import migrations

RULES = [
    (
        "reports.yearly_admission_share",
        date(2022, 6, 16),
        [3, 4],
        "Hằng năm kết nạp từ 3 đến 4% tổng số đảng viên (tính trên số đảng viên đầu năm)",
        "Nghị quyết 21-NQ/TW ngày 16/6/2022 Hội nghị Trung ương 5 khóa XIII [S]",
    ),
    (
        "reports.grade_thresholds",
        date(2016, 1, 1),
        {
            "steps": [
                {"min_percent": 110, "grade": "Hoàn thành xuất sắc nhiệm vụ"},
                {"min_percent": 100, "grade": "Hoàn thành tốt nhiệm vụ"},
                {"min_percent": 80, "grade": "Hoàn thành nhiệm vụ"},
            ],
            "below": "Không hoàn thành nhiệm vụ",
        },
        "Xếp loại công tác phát triển đảng viên cuối năm theo tỷ lệ thực hiện chỉ tiêu kết nạp "
        "(từ 110%: xuất sắc; từ 100%: tốt; từ 80%: hoàn thành; dưới 80%: không hoàn thành)",
        "Ngưỡng mặc định do cấp ủy quy định khi đánh giá, xếp loại tổ chức đảng [U]",
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
    dependencies = [("rulebook", "0003_admission_rules")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
