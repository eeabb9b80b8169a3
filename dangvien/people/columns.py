"""The columns of the member and candidate workbooks: one list that the template, the
importer and the exporter all read, so that a file exported can be imported again.

`aliases` are other headers people write for the same column; headers are matched after
folding case, tone marks and spacing (`lib.vntext.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.people.models import CategoryKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    # "text", "date" (dd/mm/yyyy or an Excel date), "birth" (dd/mm/yyyy, mm/yyyy or yyyy),
    # "sex", "category" (matched to `category` codes and names), "categories" (several, ";")
    type: str = "text"
    category: str = ""
    required: bool = False
    members_only: bool = False
    width: int = 16


COLUMNS: list[Column] = [
    Column("full_name", "Họ và tên", ("Họ tên", "Tên", "Họ và tên khai sinh"), required=True,
           width=26),
    Column("birth", "Ngày sinh", ("Ngày tháng năm sinh", "Năm sinh", "Sinh ngày"), "birth",
           required=True, width=12),
    Column("sex", "Giới tính", ("Nam/Nữ", "Phái", "Giới"), "sex", required=True, width=9),
    Column("ethnicity", "Dân tộc", ("DT",), "category", CategoryKind.ETHNICITY, required=True,
           width=11),
    Column("religion", "Tôn giáo", ("TG",), "category", CategoryKind.RELIGION, width=11),
    Column("citizen_id", "Số CCCD", ("CCCD", "Căn cước công dân", "Số căn cước",
                                     "Số định danh", "CMND/CCCD"), width=15),
    Column("unit", "Mã chi bộ", ("Chi bộ", "Mã CB", "Đơn vị"), required=True, width=14),
    Column("home_town", "Quê quán", ("Nguyên quán",), width=24),
    Column("residence", "Nơi ở hiện nay", ("Nơi ở", "Địa chỉ", "Chỗ ở hiện nay", "Thường trú"),
           width=24),
    Column("phone", "Điện thoại", ("Số điện thoại", "SĐT", "ĐT"), width=13),
    Column("general_education", "Giáo dục phổ thông", ("Trình độ văn hóa", "Văn hóa", "GDPT",
           "Học vấn"), "category", CategoryKind.GENERAL_EDUCATION, width=10),
    Column("professional", "Chuyên môn, nghiệp vụ", ("Trình độ chuyên môn", "Chuyên môn",
           "CMNV"), "category", CategoryKind.PROFESSIONAL, width=14),
    Column("political_theory", "Lý luận chính trị", ("LLCT", "Trình độ lý luận chính trị",
           "Lý luận"), "category", CategoryKind.POLITICAL_THEORY, width=12),
    Column("occupation", "Nghề nghiệp", ("Nghề", "Công việc"), "category",
           CategoryKind.OCCUPATION, width=16),
    Column("mass_organisations", "Đoàn thể", ("Sinh hoạt đoàn thể", "Tổ chức chính trị - xã hội"),
           "categories", CategoryKind.MASS_ORGANISATION, width=18),
    Column("decision_number", "Số quyết định kết nạp", ("Số QĐ kết nạp", "Quyết định kết nạp"),
           members_only=True, width=14),
    Column("decision_date", "Ngày quyết định kết nạp", ("Ngày QĐ kết nạp",), "date",
           members_only=True, width=12),
    Column("ceremony_date", "Ngày vào Đảng", ("Ngày kết nạp", "Ngày vào đảng"), "date",
           members_only=True, width=12),
    Column("official_date", "Ngày chính thức", ("Ngày công nhận chính thức", "Ngày CT"), "date",
           members_only=True, width=12),
    Column("card_number", "Số thẻ đảng viên", ("Số thẻ", "Thẻ đảng"), members_only=True,
           width=13),
]  # fmt: skip


def columns_for(kind: str) -> list[Column]:
    """The columns of the members' or the candidates' workbook."""
    return [c for c in COLUMNS if kind == "members" or not c.members_only]


def headers_of(*keys: str) -> list[str]:
    """The template's headers of these columns, in this order (for writing a workbook)."""
    by_key = {c.key: c.header for c in COLUMNS}
    return [by_key[k] for k in keys]


# The columns of a minimal members' workbook: who, born when, which cell, admitted when.
MINIMAL_MEMBER_KEYS = (
    "full_name",
    "birth",
    "sex",
    "ethnicity",
    "unit",
    "decision_date",
    "ceremony_date",
    "official_date",
)
