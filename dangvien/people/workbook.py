"""The blank workbooks a secretary fills in: the importer's columns, drop-down lists for the
catalogues and sex, and a sheet of instructions in Vietnamese."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext as _

from dangvien.people.columns import Column, columns_for
from dangvien.people.models import Category

_ROWS = 5000  # rows that carry the drop-down lists
_LIST_SHEET = "Danh mục"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _explanation(column: Column) -> str:
    if column.type == "birth":
        how = _(
            "dd/mm/yyyy (ví dụ 17/05/1990); nếu hồ sơ chỉ có tháng và năm: mm/yyyy; "
            "chỉ có năm: yyyy."
        )
    elif column.type == "date":
        how = _("dd/mm/yyyy, ví dụ 20/03/2015 (hoặc ô kiểu ngày của Excel).")
    elif column.type == "sex":
        how = _("Nam hoặc Nữ (chọn trong danh sách).")
    elif column.type == "category":
        how = _("Chọn trong danh sách; cũng nhận mã hoặc cách viết khác của danh mục.")
    elif column.type == "categories":
        how = _(
            "Một hoặc nhiều đoàn thể, cách nhau bằng dấu chấm phẩy (;), "
            "ví dụ: Hội Phụ nữ; Công đoàn."
        )
    elif column.key == "citizen_id":
        how = _("Đủ 12 chữ số, nhập dạng văn bản (Text) để giữ số 0 ở đầu.")
    elif column.key == "unit":
        how = _(
            "Mã chi bộ trong hệ thống (ví dụ QN.TK.AM.1); "
            "chi bộ phải thuộc đơn vị được chọn khi nhập."
        )
    elif column.key == "phone":
        how = _("Bắt đầu bằng 0 hoặc +84, nhập dạng văn bản.")
    elif column.key == "official_date":
        how = _("dd/mm/yyyy. Có ngày chính thức: đảng viên chính thức; để trống: đảng viên dự bị.")
    else:
        how = _("Văn bản.")
    return how


def template_xlsx(kind: str) -> bytes:
    """A blank workbook for `kind` ("members" or "candidates")."""
    columns = columns_for(kind)
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    guide = workbook.add_worksheet("Hướng dẫn")
    lists = workbook.add_worksheet(_LIST_SHEET)
    lists.hide()
    bold = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#F0F0F0"})
    required_format = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#FFF2CC"})
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    list_column = 0
    for index, column in enumerate(columns):
        # Every column is text, so that 0s at the start of numbers and dates stay as typed.
        sheet.set_column(index, index, column.width, text)
        sheet.write_string(0, index, column.header, required_format if column.required else bold)
        letter = _column_letter(index)
        cells = f"{letter}2:{letter}{_ROWS + 1}"
        if column.type == "sex":
            sheet.data_validation(
                cells, {"validate": "list", "source": [_("Nam"), _("Nữ")], "ignore_blank": True}
            )
        elif column.type in ("category", "categories"):
            names = list(
                Category.objects.filter(kind=column.category, active=True)
                .order_by("rank", "code")
                .values_list("name", flat=True)
            )
            if not names:
                continue
            lists.write_string(0, list_column, column.header, bold)
            for row, name in enumerate(names, start=1):
                lists.write_string(row, list_column, name)
            list_letter = _column_letter(list_column)
            source = f"='{_LIST_SHEET}'!${list_letter}$2:${list_letter}${len(names) + 1}"
            sheet.data_validation(
                cells,
                {
                    "validate": "list",
                    "source": source,
                    "ignore_blank": True,
                    # Several mass organisations are typed by hand: warn, do not stop.
                    "error_type": "warning" if column.type == "categories" else "stop",
                },
            )
            list_column += 1
    sheet.freeze_panes(1, 0)

    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 12)
    guide.set_column(2, 2, 80)
    title = (
        _("Hướng dẫn điền danh sách đảng viên")
        if kind == "members"
        else _("Hướng dẫn điền danh sách quần chúng (đối tượng kết nạp)")
    )
    guide.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 13}))
    notes = [
        _(
            "Điền từ dòng 2 của trang “Danh sách”, mỗi người một dòng; "
            "không gộp ô, không dùng công thức."
        ),
        _("Tên cột có thể viết khác (không dấu, chữ hoa…), nhưng phải có đủ các cột bắt buộc."),
        _("Tệp được kiểm tra toàn bộ trước; có lỗi ở bất kỳ dòng nào thì không ghi dòng nào."),
    ]
    for row, note in enumerate(notes, start=1):
        guide.write_string(row, 0, note)
    header_row = len(notes) + 2
    for col, label in enumerate((_("Cột"), _("Bắt buộc"), _("Cách điền"))):
        guide.write_string(header_row, col, label, bold)
    for row, column in enumerate(columns, start=header_row + 1):
        guide.write_string(row, 0, column.header, wrap)
        guide.write_string(row, 1, _("Có") if column.required else _("Không"), wrap)
        guide.write_string(row, 2, _explanation(column), wrap)
    workbook.close()
    return out.getvalue()
