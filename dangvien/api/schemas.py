"""The shapes the API reads and writes (pydantic, through django-ninja), so the OpenAPI
schema states exactly what each answer holds and the tests can hold the answers to it.

Lengths and number ranges follow the database columns: a value the column cannot hold is
refused here (422) instead of failing in the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Query, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict

from dangvien.admission.models import Introducer, Source, Step
from dangvien.api.errors import ERROR_STATUSES
from dangvien.api.pagination import MAX_LIMIT
from dangvien.targets.rules import MAX_ADMISSIONS
from dangvien.training.models import ClassKind, Result

# Dates the API accepts: the party's history to the end of the periods the reports know.
FIRST_DAY = date(1930, 1, 1)
LAST_DAY = date(2100, 12, 31)
SMALL = 32767  # the largest value of a small positive integer column
MAX_ID = 2**63 - 1
# The most items a list in a write's body may hold (people to enrol, results to record);
# not the rows of an imported file (`endpoints.imports.MAX_ROWS`).
MAX_ITEMS = 1000


def _storable(value: str) -> str:
    """A string the databases can store: no NUL (PostgreSQL refuses it), no lone surrogate
    (it has no UTF-8)."""
    if "\x00" in value:
        raise ValueError("NUL character")
    value.encode("utf-8")  # UnicodeEncodeError is a ValueError: pydantic reports it
    return value


# An object's id in a path or a query: a positive 64-bit integer.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_storable)]
# Query parameters of every list.
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Số dòng mỗi trang (tối đa {MAX_LIMIT}).")
]
Cursor = Annotated[
    Text | None, Query(max_length=400, description="Giá trị “next” của trang trước.")
]


def day_field(description: str, default: Any = ...) -> Any:
    return Field(default, ge=FIRST_DAY, le=LAST_DAY, description=description)


# --- errors ---------------------------------------------------------------------------


class LocalText(Schema):
    vi: str
    en: str


class RuleRef(Schema):
    code: str = Field(description="Khóa của quy định trong bộ quy định (rulebook).")
    title: str
    source: str = Field(description="Văn bản quy định (ví dụ Quy định 294-QĐ/TW).")
    effective_from: date


class ProblemOut(Schema):
    field: str | None
    row: int | None
    message: LocalText
    rule: RuleRef | None


class ErrorBody(Schema):
    code: str = Field(description="Mã lỗi ổn định cho chương trình (not_found, refused…).")
    message: LocalText
    rule: RuleRef | None
    problems: list[ProblemOut]


class ErrorOut(Schema):
    error: ErrorBody


# --- shared pieces --------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    full_name: str


class PeriodOut(Schema):
    code: str
    label: str
    start: date
    end: date


# --- me -------------------------------------------------------------------------------


class GrantOut(Schema):
    unit: UnitRef
    role: int
    role_label: str


class MeOut(Schema):
    username: str
    full_name: str
    grants: list[GrantOut]
    token_name: str | None = Field(description="Tên mã truy cập đang dùng (nếu có).")
    token_expires: datetime | None


# --- units and the tree ---------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    cell_kind: str
    cell_kind_label: str
    parent_id: int | None
    valid_from: date
    valid_to: date | None
    successor_id: int | None


class UnitPage(Schema):
    items: list[UnitOut]
    next: str | None


class TreeNodeOut(Schema):
    unit_id: int
    code: str
    name: str
    kind: str
    kind_label: str
    cell_kind_label: str
    active: bool
    has_children: bool
    cell_count: int
    member_count: int | None


class TreeOut(Schema):
    on: date
    parent_id: int | None
    nodes: list[TreeNodeOut]


# --- people ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    full_name: str
    birth: str = Field(description="dd/mm/yyyy, mm/yyyy hoặc yyyy — phần đã biết.")
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    sex: str
    status: str
    status_label: str
    status_since: date
    unit: UnitRef
    ethnicity: str | None
    general_education: str | None
    decision_number: str
    decision_date: date | None
    ceremony_date: date | None
    official_date: date | None


class PersonPage(Schema):
    items: list[PersonOut]
    next: str | None


# --- cases ----------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    person: PersonRef
    unit: UnitRef
    source: str
    source_label: str
    stage: str
    stage_label: str
    stage_since: date
    state: str
    state_label: str
    due_on: date | None
    due_label: str
    readmission: bool
    previous_id: int | None
    helper_id: int | None


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None


class VoteOut(Schema):
    official_members: int | None
    elsewhere: int | None
    exempt_absent: int | None
    present: int | None
    votes_for: int | None
    votes_against: int | None


class EventOut(Schema):
    id: int
    step: str
    step_label: str
    on: date
    document_number: str
    signed_by: str
    note: str
    outcome: str
    vote: VoteOut | None
    override_document: str
    data: dict[str, Any]
    corrects_id: int | None
    corrected: bool = Field(description="Đã có bản đính chính thay cho bước này.")
    recorded_at: datetime


class NextStepOut(Schema):
    step: str
    label: str
    allowed: bool = Field(description="Người dùng có vai trò cần để ghi bước này.")
    blockers: list[ProblemOut] = Field(
        description="Điều còn ngăn ghi bước này hôm nay (với biểu quyết giả định là nhất trí)."
    )


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    next_steps: list[NextStepOut]


class CaseOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: Id
    source: Source
    on: date = day_field("Ngày đưa vào danh sách quần chúng ưu tú.")


class VoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    official_members: int = Field(ge=0, le=SMALL)
    elsewhere: int = Field(0, ge=0, le=SMALL)
    exempt_absent: int = Field(0, ge=0, le=SMALL)
    present: int = Field(ge=0, le=SMALL)
    votes_for: int = Field(ge=0, le=SMALL)
    votes_against: int = Field(0, ge=0, le=SMALL)


class IntroducerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Introducer.Kind
    member_id: Id | None = Field(None, description="Đảng viên giới thiệu (kind=member).")
    together_since: date | None = day_field("Cùng công tác, học tập, cư trú từ ngày.", None)
    replacement: bool = False
    document: Text = Field("", max_length=64, description="Số nghị quyết của Đoàn/Công đoàn.")


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    step: Step
    on: date = day_field("Ngày của bước (ngày họp, ngày ký…).")
    expected_stage: Step | None = Field(
        None,
        description="Bước hiện tại mà người gửi đã thấy; khác bước thật thì trả về 409.",
    )
    document_number: Text = Field("", max_length=64)
    signed_by: Text = Field("", max_length=120)
    note: Text = Field("", max_length=4000)
    vote: VoteIn | None = Field(None, description="Chỉ cho các bước biểu quyết.")
    introducers: list[IntroducerIn] | None = Field(
        None, max_length=4, description="Chỉ cho bước giới thiệu người vào Đảng."
    )
    helper_id: Id | None = Field(
        None, description="Đảng viên giúp đỡ (các bước phân công giúp đỡ)."
    )
    override_document: Text = Field(
        "", max_length=120, description="Văn bản cho phép ngoại lệ (nếu quy định cho phép)."
    )
    certificate_number: Text = Field("", max_length=64)
    certificate_date: date | None = day_field(
        "Ngày cấp giấy chứng nhận (bước học lớp nhận thức về Đảng).", None
    )


class StepOut(Schema):
    event: EventOut
    case: CaseOut


class CorrectionIn(Schema):
    """What a correction may change, as the correction form has it: a field left out keeps
    the corrected event's value."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(max_length=4000, description="Lý do và căn cứ đính chính (bắt buộc).")
    on: date | None = day_field("Ngày đúng của bước.", None)
    document_number: Text | None = Field(None, max_length=64)
    signed_by: Text | None = Field(None, max_length=120)
    note: Text | None = Field(None, max_length=4000)


# --- classes --------------------------------------------------------------------------


class ClassOut(Schema):
    id: int
    kind: ClassKind
    kind_label: str
    name: str
    organiser: UnitRef
    place: str
    start: date
    end: date
    enrolled: int
    passed: int


class ClassPage(Schema):
    items: list[ClassOut]
    next: str | None


class EnrolmentOut(Schema):
    person: PersonRef
    unit: UnitRef
    attended: bool | None
    result: str
    result_label: str
    certificate_number: str
    certificate_date: date | None


class ClassDetailOut(ClassOut):
    enrolments: list[EnrolmentOut]


class ClassIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organiser_id: Id = Field(description="Đơn vị mở lớp: cấp ủy trên chi bộ hoặc trung tâm.")
    kind: ClassKind
    name: Text = Field(max_length=200)
    place: Text = Field("", max_length=200)
    start: date = day_field("Ngày khai giảng.")
    end: date = day_field("Ngày kết thúc.")
    note: Text = Field("", max_length=4000)


class EnrolIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_ids: list[Id] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        description="Người ghi danh; người đã có trong lớp được bỏ qua.",
    )


class ResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: Id = Field(description="Học viên của lớp.")
    attended: bool | None = Field(None, description="Có dự học; null là chưa ghi.")
    result: Result
    certificate_number: Text = Field("", max_length=64)
    certificate_date: date | None = day_field("Ngày cấp giấy chứng nhận.", None)


class ResultsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    results: list[ResultIn] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        description="Kết quả của những học viên được gửi; học viên khác giữ nguyên.",
    )


# --- targets --------------------------------------------------------------------------


class TargetOut(Schema):
    unit_id: int
    period: str
    admissions: int
    admissions_min: int | None
    assigned_by: UnitRef | None
    document: str
    assigned_on: date | None
    note: str


class TargetLineOut(Schema):
    unit: UnitRef
    active: bool
    target: TargetOut | None


class SumCheckOut(Schema):
    parent: int | None
    children_sum: int
    children_with_target: int
    children_count: int
    missing: int
    difference: int | None


class TargetBreakdownOut(Schema):
    unit: UnitRef
    period: PeriodOut
    on: date = Field(description="Ngày của cây tổ chức dùng để liệt kê đơn vị trực thuộc.")
    own: TargetOut | None
    children: list[TargetLineOut]
    check: SumCheckOut


class TargetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    admissions: int = Field(ge=0, le=MAX_ADMISSIONS)
    admissions_min: int | None = Field(None, ge=0, le=MAX_ADMISSIONS)
    document: Text = Field("", max_length=120)
    assigned_on: date | None = day_field("Ngày giao chỉ tiêu.", None)
    note: Text = Field("", max_length=4000)


# --- imports --------------------------------------------------------------------------


class ImportOut(Schema):
    kind: str
    unit: UnitRef
    created: int
    person_ids: list[int] = Field(description="Những người vừa được thêm, theo thứ tự dòng.")


# --- reports --------------------------------------------------------------------------


class ReportSpecOut(Schema):
    name: str
    title: str
    description: str


class ReportColumnOut(Schema):
    key: str
    label: str
    kind: str


class ReportOut(BaseModel):
    """A report's table as the JSON download writes it: the headline figures of the report
    (e.g. `admitted`, `target`, `percent`) are further keys at the top level. (A plain
    pydantic model: django-ninja's `Schema` reads attributes and would drop those keys.)"""

    model_config = ConfigDict(extra="allow")

    report: str
    title: str
    unit: UnitRef
    period: PeriodOut
    as_of: date
    until: date
    decimals: int
    summary_text: dict[str, str]
    columns: list[ReportColumnOut]
    rows: list[dict[str, Any]]
    notes: list[str]


# --- alerts ---------------------------------------------------------------------------


class AlertOut(Schema):
    unit_id: int
    unit_name: str
    person_name: str
    what: str
    due: date
    days_left: int
    band: str = Field(description="overdue (quá hạn), soon (trong 7 ngày) hoặc later.")
    case_id: int | None
    person_id: int | None


class AlertPage(Schema):
    items: list[AlertOut]
    next: str | None


# --- the statuses of each operation -----------------------------------------------------

# What a read can answer besides its success (409 only comes from writes, 403 from a write's
# role check, 405 from a path asked with a method it does not take).
READ_ERRORS = (400, 401, 404, 422, 429, 500)


def answers(status: int, schema: Any, *, write: bool = False) -> dict[int, Any]:
    """The operation's success and every error it may answer, all in the one error shape."""
    errors = ERROR_STATUSES if write else READ_ERRORS
    return {status: schema, **{code: ErrorOut for code in errors if code != 405}}
