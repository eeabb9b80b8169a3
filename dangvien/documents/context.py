"""The data a form is filled with, typed, and its flattening into template strings.

A value that is missing renders as a dotted line, as on a paper form, so the same template
prints a blank form to fill in by hand. Templates never see `None`: `as_mapping()` turns
every field into display text (dates as "ngày dd tháng mm năm yyyy" pieces, numbers in the
Vietnamese style "66,7").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DOTS_SHORT = "………"
DOTS = "……………"
DOTS_LONG = "…………………………………"
# A free-text paragraph left blank: a few lines of dots to write on.
DOTS_LINES = "…" * 160


def _text(value: str | None, blank: str = DOTS) -> str:
    value = (value or "").strip()
    return value or blank


def _number(value: int | None) -> str:
    return DOTS_SHORT if value is None else str(value)


@dataclass(frozen=True)
class Person:
    """The candidate or probationary member the form is about."""

    full_name: str = ""
    other_name: str = ""
    sex: str = ""
    birth: str = ""  # dd/mm/yyyy, or partial ("1998", "05/1998") as on old records
    birthplace: str = ""
    home_town: str = ""
    residence: str = ""
    ethnicity: str = ""
    religion: str = ""
    occupation: str = ""
    education: str = ""  # general education, e.g. "12/12"
    professional: str = ""  # professional qualification, e.g. "Cử nhân Kế toán"
    political_theory: str = ""
    citizen_id: str = ""
    youth_union: str = ""  # e.g. "Đoàn viên, vào Đoàn ngày 26/3/2013"
    trade_union: str = ""
    party_card: str = ""  # the card number once admitted


@dataclass(frozen=True)
class Introducer:
    """A party member who introduces the candidate (Mẫu 3-KNĐ)."""

    name: str = ""
    card_number: str = ""
    unit: str = ""
    months_together: int | None = None


@dataclass(frozen=True)
class FamilyMember:
    """One row of the family table of the personal history (Mẫu 2-KNĐ)."""

    relation: str = ""
    name: str = ""
    birth_year: str = ""
    details: str = ""  # occupation, residence, political stance


@dataclass(frozen=True)
class Vote:
    """A chi bộ or committee vote as the resolution records it.

    The share is counted over the official members who count for the vote: the official
    members less those temporarily attached elsewhere and those exempt from activity who were
    absent (Hướng dẫn 01-HD/TW, 3.3: admission needs at least two thirds of them in favour).
    """

    official_members: int | None = None
    temporarily_elsewhere: int | None = None
    exempt_absent: int | None = None
    present: int | None = None
    in_favour: int | None = None
    against: int | None = None

    @property
    def counted(self) -> int | None:
        if self.official_members is None:
            return None
        return self.official_members - (self.temporarily_elsewhere or 0) - (self.exempt_absent or 0)

    def share(self, part: int | None) -> str:
        """The percentage of `part` over the counted members, Vietnamese style ("66,7")."""
        counted = self.counted
        if part is None or not counted:
            return DOTS_SHORT
        value = round(100 * part / counted, 1)
        text = f"{value:.1f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")


@dataclass(frozen=True)
class FormContext:
    """Everything any of the forms may show; each form uses a part (see forms_registry).

    `number` and `date` are the form's own number and date (its header); `decision_number`
    and `decision_date` are those of the admission decision (Mẫu 9-KNĐ) that later forms cite.
    """

    higher_committee: str = ""  # e.g. "Đảng ủy phường An Mỹ"
    unit_name: str = ""  # the issuing unit, e.g. "Chi bộ khu phố 1"
    place: str = ""
    date: dt.date | None = None
    number: str = ""  # document number without its suffix, e.g. "12"
    person: Person = field(default_factory=Person)
    cell_name: str = ""  # the candidate's chi bộ
    introducers: tuple[Introducer, ...] = ()
    family: tuple[FamilyMember, ...] = ()
    helper: Introducer | None = None
    vote: Vote = field(default_factory=Vote)
    course_start: dt.date | None = None
    course_end: dt.date | None = None
    course_result: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    ceremony_date: dt.date | None = None
    official_date: dt.date | None = None
    signer: str = ""  # who signs for the issuing unit
    merits: str = ""  # ưu điểm
    shortcomings: str = ""  # khuyết điểm
    opinions: str = ""  # opinions gathered (mass organisations, residence)
    comments: str = ""  # conclusion, proposal

    @classmethod
    def blank(cls) -> FormContext:
        return cls()

    @classmethod
    def sample(cls) -> FormContext:
        """A synthetic filled example: an invented person, not taken from any record."""
        return cls(
            higher_committee="Đảng ủy phường Hòa Bình",
            unit_name="Chi bộ khu phố 3",
            place="Hòa Bình",
            date=dt.date(2026, 3, 16),
            number="07",
            person=Person(
                full_name="Nguyễn Thị Thu Hà",
                other_name="Không",
                sex="Nữ",
                birth="12/05/1998",
                birthplace="Xã Tiên Phước, tỉnh Quảng Nam",
                home_town="Xã Tiên Phước, tỉnh Quảng Nam",
                residence="Số 15 đường Trần Phú, khu phố 3, phường Hòa Bình",
                ethnicity="Kinh",
                religion="Không",
                occupation="Giáo viên",
                education="12/12",
                professional="Cử nhân Sư phạm Ngữ văn",
                political_theory="Sơ cấp",
                citizen_id="049198001234",
                youth_union="Vào Đoàn ngày 26/03/2013",
                trade_union="Vào Công đoàn ngày 01/09/2020",
                party_card="79.123456",
            ),
            cell_name="Chi bộ khu phố 3",
            introducers=(
                Introducer("Trần Văn Bình", "79.004512", "Chi bộ khu phố 3", 24),
                Introducer("Lê Thị Mai", "79.011873", "Chi bộ khu phố 3", 18),
            ),
            family=(
                FamilyMember("Cha", "Nguyễn Văn Hùng", "1968", "Nông dân, xã Tiên Phước"),
                FamilyMember("Mẹ", "Phạm Thị Lan", "1971", "Nội trợ, xã Tiên Phước"),
            ),
            helper=Introducer("Trần Văn Bình", "79.004512", "Chi bộ khu phố 3", None),
            vote=Vote(
                official_members=21,
                temporarily_elsewhere=1,
                exempt_absent=2,
                present=17,
                in_favour=16,
                against=1,
            ),
            course_start=dt.date(2025, 9, 8),
            course_end=dt.date(2025, 9, 12),
            course_result="Khá",
            decision_number="125",
            decision_date=dt.date(2026, 4, 2),
            ceremony_date=dt.date(2026, 4, 20),
            official_date=dt.date(2027, 4, 20),
            signer="Võ Minh Quang",
            merits=(
                "Có lập trường tư tưởng vững vàng, chấp hành tốt chủ trương của Đảng, chính "
                "sách, pháp luật của Nhà nước; hoàn thành tốt nhiệm vụ được giao."
            ),
            shortcomings="Đôi lúc còn ngại phát biểu ý kiến trong sinh hoạt.",
            opinions=(
                "Chi đoàn, Công đoàn và Ban công tác Mặt trận khu phố đều nhất trí đề nghị "
                "xem xét kết nạp."
            ),
            comments="Đủ điều kiện, tiêu chuẩn để kết nạp vào Đảng.",
        )

    def as_mapping(self) -> dict[str, object]:
        """Display strings for the templates; every key present, nothing `None`."""
        p = self.person
        helper = self.helper or Introducer()
        vote = self.vote
        values: dict[str, object] = {
            "higher_committee": _text(self.higher_committee, DOTS_LONG),
            "higher_committee_upper": _text(self.higher_committee.upper(), DOTS_LONG),
            "unit_name": _text(self.unit_name, DOTS_LONG),
            "unit_name_upper": _text(self.unit_name.upper(), DOTS_LONG),
            "place": _text(self.place),
            "number": _text(self.number, DOTS_SHORT),
            "cell_name": _text(self.cell_name or self.unit_name, DOTS_LONG),
            "full_name": _text(p.full_name, DOTS_LONG),
            "full_name_upper": _text(p.full_name.upper(), DOTS_LONG),
            "other_name": _text(p.other_name),
            "sex": _text(p.sex, DOTS_SHORT),
            "birth": _text(p.birth),
            "birthplace": _text(p.birthplace, DOTS_LONG),
            "home_town": _text(p.home_town, DOTS_LONG),
            "residence": _text(p.residence, DOTS_LONG),
            "ethnicity": _text(p.ethnicity),
            "religion": _text(p.religion),
            "occupation": _text(p.occupation, DOTS_LONG),
            "education": _text(p.education),
            "professional": _text(p.professional),
            "political_theory": _text(p.political_theory),
            "citizen_id": _text(p.citizen_id),
            "youth_union": _text(p.youth_union, DOTS_LONG),
            "trade_union": _text(p.trade_union, DOTS_LONG),
            "party_card": _text(p.party_card),
            "introducers": [_introducer(i) for i in self.introducers] or [_introducer(None)] * 2,
            "family": [_family(m) for m in self.family] or [_family(None)] * 3,
            "helper_name": _text(helper.name, DOTS_LONG),
            "helper_card": _text(helper.card_number),
            "helper_unit": _text(helper.unit, DOTS_LONG),
            "vote_official": _number(vote.official_members),
            "vote_elsewhere": _number(vote.temporarily_elsewhere),
            "vote_exempt_absent": _number(vote.exempt_absent),
            "vote_counted": _number(vote.counted),
            "vote_present": _number(vote.present),
            "vote_for": _number(vote.in_favour),
            "vote_against": _number(vote.against),
            "vote_for_pct": vote.share(vote.in_favour),
            "vote_against_pct": vote.share(vote.against),
            "course_result": _text(self.course_result),
            "decision_number": _text(self.decision_number, DOTS_SHORT),
            "signer": _text(self.signer, DOTS_LONG),
            "merits": _text(self.merits, DOTS_LINES),
            "shortcomings": _text(self.shortcomings, DOTS_LINES),
            "opinions": _text(self.opinions, DOTS_LINES),
            "comments": _text(self.comments, DOTS_LINES),
        }
        padded = (*self.introducers, Introducer(), Introducer())
        for n, introducer in enumerate(padded[:2], start=1):
            values.update({f"intro{n}_{k}": v for k, v in _introducer(introducer).items()})
        for name in (
            "date",
            "course_start",
            "course_end",
            "decision_date",
            "ceremony_date",
            "official_date",
        ):
            values.update(_date_parts(name, getattr(self, name)))
        return values


def _introducer(i: Introducer | None) -> dict[str, str]:
    i = i or Introducer()
    return {
        "name": _text(i.name, DOTS_LONG),
        "card": _text(i.card_number),
        "unit": _text(i.unit, DOTS_LONG),
        "months": _number(i.months_together),
    }


def _family(m: FamilyMember | None) -> dict[str, str]:
    m = m or FamilyMember()
    return {
        "relation": _text(m.relation, DOTS_SHORT),
        "name": _text(m.name),
        "birth_year": _text(m.birth_year, DOTS_SHORT),
        "details": _text(m.details),
    }


def _date_parts(name: str, value: dt.date | None) -> dict[str, str]:
    """`<name>_d`, `_m`, `_y` for "ngày … tháng … năm …" and `<name>_text` as dd/mm/yyyy."""
    if value is None:
        return {
            f"{name}_d": DOTS_SHORT,
            f"{name}_m": DOTS_SHORT,
            f"{name}_y": DOTS_SHORT,
            f"{name}_text": DOTS,
        }
    return {
        f"{name}_d": f"{value.day:02d}",
        f"{name}_m": f"{value.month:02d}",
        f"{name}_y": str(value.year),
        f"{name}_text": value.strftime("%d/%m/%Y"),
    }
