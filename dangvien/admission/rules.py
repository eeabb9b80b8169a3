"""The rules of admission, as pure functions over plain facts and the rule versions in force.

No ORM here: `services` gathers the facts (`Facts`) and the versions in force on the step's
date (`Rules`), and these functions say what blocks the step, each reason naming its rule and
source. The same list is shown on the case page before the click and refuses the action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from dangvien.admission.models import Step
from dangvien.lib.dates import PartialDate, whole_months_between
from dangvien.rulebook.selectors import Rule

# The path of a case, in order. A step may be recorded when it is the next one after the
# current stage (the partial-committee appraisal only where the cell has a partial committee).
ORDER: list[str] = [
    Step.LISTED,
    Step.HELPER,
    Step.AWARENESS_CLASS,
    Step.APPLICATION,
    Step.PERSONAL_HISTORY,
    Step.VERIFICATION,
    Step.INTRODUCTIONS,
    Step.OPINIONS,
    Step.CELL_RESOLUTION,
    Step.PARTIAL_APPRAISAL,
    Step.COMMITTEE_RESOLUTION,
    Step.DECISION,
    Step.CEREMONY,
    Step.PROBATION_HELPER,
    Step.NEW_MEMBER_CLASS,
    Step.SELF_ASSESSMENT,
    Step.HELPER_ASSESSMENT,
    Step.PROBATION_OPINIONS,
    Step.RECOGNITION_CELL,
    Step.RECOGNITION_COMMITTEE,
    Step.RECOGNITION_DECISION,
]
BEFORE_ADMISSION_ENDS = (Step.WITHDRAWN, Step.NOT_ADMITTED)
PROBATION_ENDS = (Step.REMOVED,)
ENDS = (*BEFORE_ADMISSION_ENDS, *PROBATION_ENDS)
VOTES = (Step.CELL_RESOLUTION, Step.RECOGNITION_CELL)
COMMITTEE_VOTES = (Step.COMMITTEE_RESOLUTION, Step.RECOGNITION_COMMITTEE)
# The form each step produces (Hướng dẫn 12-HD/BTCTW), for the dossier checklist.
FORMS: dict[str, str] = {
    Step.AWARENESS_CLASS: "CN-NTVĐ",
    Step.APPLICATION: "1-KNĐ",
    Step.PERSONAL_HISTORY: "2-KNĐ",
    Step.INTRODUCTIONS: "3-KNĐ",
    Step.OPINIONS: "5-KNĐ",
    Step.CELL_RESOLUTION: "6-KNĐ",
    Step.PARTIAL_APPRAISAL: "7-KNĐ",
    Step.COMMITTEE_RESOLUTION: "8-KNĐ",
    Step.DECISION: "9-KNĐ",
    Step.SELF_ASSESSMENT: "10-KNĐ",
    Step.HELPER_ASSESSMENT: "11-KNĐ",
    Step.PROBATION_OPINIONS: "12-KNĐ",
    Step.RECOGNITION_CELL: "13-KNĐ",
    Step.RECOGNITION_COMMITTEE: "15-KNĐ",
    Step.RECOGNITION_DECISION: "QĐ-CNCT",
}

Rules = Mapping[str, Rule]


@dataclass(frozen=True)
class Blocker:
    """A reason a step cannot be recorded. `overridable` where the regulation allows an
    exception with a document (province consent for age over 60…)."""

    field: str
    message: str
    rule_key: str = ""
    overridable: bool = False

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Vote:
    official_members: int
    elsewhere: int
    exempt_absent: int
    present: int
    votes_for: int
    votes_against: int

    @property
    def denominator(self) -> int:
        """Official members less those active elsewhere for now and those exempted and absent
        (probationary members do not vote and are not counted)."""
        return self.official_members - self.elsewhere - self.exempt_absent


@dataclass(frozen=True)
class IntroducerFacts:
    kind: str  # "member", "youth_union", "trade_union"
    name: str = ""
    is_official: bool = True
    same_committee: bool = True
    together_since: date | None = None
    replacement: bool = False


@dataclass(frozen=True)
class Facts:
    step: str
    on: date
    today: date
    stage: str
    stage_since: date
    has_partial_committee: bool
    birth: PartialDate
    education_rank: int | None = None
    certificate_issued: date | None = None
    certificate_expires: date | None = None
    introducers: tuple[IntroducerFacts, ...] = ()
    vote: Vote | None = None
    new_member_class_passed: bool = False
    ceremony_date: date | None = None
    failed_recognition_votes: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def _cite(rules: Rules, key: str) -> str:
    return rules[key].cite()


def next_steps(stage: str, has_partial_committee: bool) -> list[str]:
    """What may be recorded after `stage`: the next step of the path and the ways to end."""
    if stage in ENDS or stage == Step.RECOGNITION_DECISION:
        return []
    index = ORDER.index(stage)
    following = ORDER[index + 1]
    if following == Step.PARTIAL_APPRAISAL and not has_partial_committee:
        following = ORDER[index + 2]
    ends = BEFORE_ADMISSION_ENDS if index < ORDER.index(Step.CEREMONY) else PROBATION_ENDS
    # A failed recognition vote leaves the case where it was, to vote again.
    return [following, *ends]


def age_months(birth: PartialDate, on: date) -> int:
    """Age in whole months on a date; a birth known only by year or month counts from its
    first day (the regulation counts months: 18 years 0 months)."""
    return whole_months_between(birth.earliest(), on)


def vote_passes(vote: Vote, threshold: tuple[int, int]) -> bool:
    numerator, denominator = threshold
    return vote.denominator > 0 and vote.votes_for * denominator >= vote.denominator * numerator


def vote_problems(vote: Vote | None, rules: Rules, *, cell: bool) -> list[Blocker]:
    key = "vote.cell_threshold" if cell else "vote.committee_threshold"
    if vote is None:
        return [Blocker("votes_for", _("Chưa nhập kết quả biểu quyết."), key)]
    problems: list[Blocker] = []
    counts = [vote.official_members, vote.elsewhere, vote.exempt_absent, vote.present]
    if min([*counts, vote.votes_for, vote.votes_against]) < 0:
        problems.append(Blocker("votes_for", _("Số liệu biểu quyết không được âm."), key))
    if vote.denominator <= 0 or vote.present > vote.denominator:
        problems.append(
            Blocker(
                "present",
                _("Số có mặt (%(present)s) vượt số đảng viên được tính (%(n)s) — %(rule)s")
                % {"present": vote.present, "n": vote.denominator, "rule": _cite(rules, key)},
                key,
            )
        )
    if vote.votes_for + vote.votes_against > vote.present:
        problems.append(Blocker("votes_for", _("Số phiếu nhiều hơn số có mặt."), key))
    if cell:
        minimum = int(rules["vote.cell_min_official_members"].value)
        if vote.official_members < minimum:
            problems.append(
                Blocker(
                    "official_members",
                    _(
                        "Chi bộ chỉ có %(n)s đảng viên chính thức, chưa đủ %(min)s để biểu "
                        "quyết — %(rule)s"
                    )
                    % {
                        "n": vote.official_members,
                        "min": minimum,
                        "rule": _cite(rules, "vote.cell_min_official_members"),
                    },
                    "vote.cell_min_official_members",
                )
            )
    return problems


def _age_problems(facts: Facts, rules: Rules) -> list[Blocker]:
    months = age_months(facts.birth, facts.on)
    low = int(rules["admission.min_age_months"].value)
    high = int(rules["admission.max_age_months"].value)
    age = _("%(y)s tuổi %(m)s tháng") % {"y": months // 12, "m": months % 12}
    if months < low:
        return [
            Blocker(
                "birth",
                _("Chưa đủ tuổi: %(age)s vào ngày chi bộ xét — %(rule)s")
                % {"age": age, "rule": _cite(rules, "admission.min_age_months")},
                "admission.min_age_months",
            )
        ]
    if months > high:
        return [
            Blocker(
                "birth",
                _(
                    "Quá tuổi: %(age)s vào ngày chi bộ xét; cần văn bản đồng ý của ban "
                    "thường vụ tỉnh ủy — %(rule)s"
                )
                % {"age": age, "rule": _cite(rules, "admission.max_age_months")},
                "admission.max_age_months",
                overridable=True,
            )
        ]
    return []


def _education_problems(facts: Facts, rules: Rules) -> list[Blocker]:
    minimum = int(rules["admission.min_education_rank"].value)
    if facts.education_rank is not None and facts.education_rank >= minimum:
        return []
    exception = int(rules["admission.exception_education_rank"].value)
    overridable = facts.education_rank is not None and facts.education_rank >= exception
    return [
        Blocker(
            "general_education",
            _(
                "Trình độ học vấn chưa đạt (cần %(min)s/12); ngoại lệ chỉ ở vùng được "
                "quy định và phải có văn bản — %(rule)s"
            )
            % {"min": minimum, "rule": _cite(rules, "admission.min_education_rank")},
            "admission.min_education_rank",
            overridable=overridable,
        )
    ]


def _certificate_problems(facts: Facts, rules: Rules) -> list[Blocker]:
    key = "training.awareness_certificate_months"
    if facts.certificate_issued is None or facts.certificate_expires is None:
        return [
            Blocker(
                "certificate",
                _("Chưa có giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng — %(rule)s")
                % {"rule": _cite(rules, key)},
                key,
            )
        ]
    if facts.on >= facts.certificate_expires:
        return [
            Blocker(
                "certificate",
                _(
                    "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng (cấp ngày %(issued)s) "
                    "đã hết hạn từ ngày %(expired)s — %(rule)s"
                )
                % {
                    "issued": f"{facts.certificate_issued:%d/%m/%Y}",
                    "expired": f"{facts.certificate_expires:%d/%m/%Y}",
                    "rule": _cite(rules, key),
                },
                key,
            )
        ]
    return []


def _introducer_problems(facts: Facts, rules: Rules) -> list[Blocker]:
    needed = int(rules["introducer.count"].value)
    together = int(rules["introducer.min_months_together"].value)
    youth_age = int(rules["introducer.youth_union_max_age"].value)
    problems: list[Blocker] = []
    members = [i for i in facts.introducers if i.kind == "member"]
    resolutions = [i for i in facts.introducers if i.kind != "member"]
    for introducer in members:
        if not introducer.is_official:
            problems.append(
                Blocker(
                    "introducers",
                    _("%(name)s không phải đảng viên chính thức — %(rule)s")
                    % {"name": introducer.name, "rule": _cite(rules, "introducer.count")},
                    "introducer.count",
                )
            )
        if not introducer.same_committee:
            problems.append(
                Blocker(
                    "introducers",
                    _(
                        "%(name)s không cùng đơn vị thuộc một cấp ủy cơ sở với người vào Đảng — "
                        "%(rule)s"
                    )
                    % {
                        "name": introducer.name,
                        "rule": _cite(rules, "introducer.min_months_together"),
                    },
                    "introducer.min_months_together",
                )
            )
        if not introducer.replacement and (
            introducer.together_since is None
            or whole_months_between(introducer.together_since, facts.on) < together
        ):
            problems.append(
                Blocker(
                    "introducers",
                    _(
                        "%(name)s chưa cùng công tác, học tập, cư trú với người vào Đảng đủ "
                        "%(n)s tháng — %(rule)s"
                    )
                    % {
                        "name": introducer.name,
                        "n": together,
                        "rule": _cite(rules, "introducer.min_months_together"),
                    },
                    "introducer.min_months_together",
                )
            )
    youth = age_months(facts.birth, facts.on) < (youth_age + 1) * 12
    if resolutions and not youth and any(r.kind == "youth_union" for r in resolutions):
        problems.append(
            Blocker(
                "introducers",
                _(
                    "Người vào Đảng đã quá tuổi đoàn: nghị quyết của Đoàn không thay được "
                    "người giới thiệu — %(rule)s"
                )
                % {"rule": _cite(rules, "introducer.youth_union_max_age")},
                "introducer.youth_union_max_age",
            )
        )
    counted = len(members) + min(len(resolutions), 1)
    if counted < needed:
        problems.append(
            Blocker(
                "introducers",
                _(
                    "Cần %(n)s người giới thiệu (hoặc một đảng viên và nghị quyết của "
                    "Đoàn/Công đoàn); mới có %(have)s — %(rule)s"
                )
                % {"n": needed, "have": counted, "rule": _cite(rules, "introducer.count")},
                "introducer.count",
            )
        )
    return problems


def _probation_problems(facts: Facts, rules: Rules) -> list[Blocker]:
    problems: list[Blocker] = []
    months = int(rules["probation.months"].value)
    if (
        facts.ceremony_date is not None
        and whole_months_between(facts.ceremony_date, facts.on) < months
    ):
        problems.append(
            Blocker(
                "on",
                _("Chưa hết %(n)s tháng dự bị (lễ kết nạp ngày %(d)s) — %(rule)s")
                % {
                    "n": months,
                    "d": f"{facts.ceremony_date:%d/%m/%Y}",
                    "rule": _cite(rules, "probation.months"),
                },
                "probation.months",
            )
        )
    if not facts.new_member_class_passed:
        problems.append(
            Blocker(
                "new_member_class",
                _("Đảng viên dự bị chưa học lớp bồi dưỡng đảng viên mới."),
                "probation.months",
            )
        )
    limit = int(rules["conversion.max_failed_votes"].value)
    if facts.failed_recognition_votes >= limit:
        problems.append(
            Blocker(
                "votes_for",
                _("Đã %(n)s lần biểu quyết không đạt: báo cáo cấp ủy cấp trên xem xét — %(rule)s")
                % {
                    "n": facts.failed_recognition_votes,
                    "rule": _cite(rules, "conversion.max_failed_votes"),
                },
                "conversion.max_failed_votes",
            )
        )
    return problems


def step_blockers(facts: Facts, rules: Rules) -> list[Blocker]:
    """Everything that stops `facts.step` from being recorded on `facts.on`."""
    problems: list[Blocker] = []
    allowed = next_steps(facts.stage, facts.has_partial_committee)
    if facts.step not in allowed:
        problems.append(
            Blocker(
                "step",
                _("Bước “%(step)s” không phải bước tiếp theo của hồ sơ (đang ở “%(stage)s”).")
                % {"step": Step(facts.step).label, "stage": Step(facts.stage).label},
            )
        )
        return problems
    if facts.on > facts.today:
        problems.append(Blocker("on", _("Ngày không thể ở tương lai.")))
    if facts.on < facts.stage_since:
        problems.append(
            Blocker(
                "on",
                _("Ngày phải từ %(d)s trở đi (bước trước).")
                % {"d": f"{facts.stage_since:%d/%m/%Y}"},
            )
        )
    if facts.step in ENDS:
        return problems
    if facts.step == Step.AWARENESS_CLASS:
        problems += _certificate_problems(facts, rules)
    elif facts.step == Step.CELL_RESOLUTION:
        problems += _age_problems(facts, rules)
        problems += _education_problems(facts, rules)
        problems += _certificate_problems(facts, rules)
        problems += _introducer_problems(facts, rules)
        problems += vote_problems(facts.vote, rules, cell=True)
    elif facts.step in COMMITTEE_VOTES:
        problems += vote_problems(facts.vote, rules, cell=False)
    elif facts.step == Step.RECOGNITION_CELL:
        problems += _probation_problems(facts, rules)
        problems += vote_problems(facts.vote, rules, cell=True)
    return problems


RULE_KEYS = (
    "admission.min_age_months",
    "admission.max_age_months",
    "admission.min_education_rank",
    "admission.exception_education_rank",
    "training.awareness_certificate_months",
    "introducer.count",
    "introducer.min_months_together",
    "introducer.youth_union_max_age",
    "vote.cell_threshold",
    "vote.cell_min_official_members",
    "vote.committee_threshold",
    "probation.months",
    "conversion.max_failed_votes",
    "deadline.admission_decision_working_days",
    "deadline.recognition_decision_working_days",
    "deadline.ceremony_working_days",
    "deadline.conversion_working_days",
    "readmission.min_months_out",
    "readmission.min_months_after_conviction",
)


def threshold(rules: Rules, *, cell: bool) -> tuple[int, int]:
    value = rules["vote.cell_threshold" if cell else "vote.committee_threshold"].value
    return int(value[0]), int(value[1])


def readmission_problems(
    *,
    left_on: date,
    on: date,
    after_conviction: bool,
    readmitted_before: bool,
    consent_document: str,
    rules: Rules,
) -> list[Blocker]:
    """Readmission: long enough out of the party, once only, with the province's consent."""
    key = (
        "readmission.min_months_after_conviction"
        if after_conviction
        else "readmission.min_months_out"
    )
    needed = int(rules[key].value)
    problems: list[Blocker] = []
    out = whole_months_between(left_on, on)
    if out < needed:
        problems.append(
            Blocker(
                "on",
                _("Mới ra khỏi Đảng %(out)s tháng, chưa đủ %(n)s tháng — %(rule)s")
                % {"out": out, "n": needed, "rule": _cite(rules, key)},
                key,
            )
        )
    if readmitted_before:
        problems.append(
            Blocker(
                "person",
                _("Đã được kết nạp lại một lần; không xem xét kết nạp lại lần nữa — %(rule)s")
                % {"rule": _cite(rules, "readmission.min_months_out")},
                "readmission.min_months_out",
            )
        )
    if not consent_document.strip():
        problems.append(
            Blocker(
                "consent_document",
                _("Kết nạp lại cần văn bản đồng ý của ban thường vụ tỉnh ủy — %(rule)s")
                % {"rule": _cite(rules, "readmission.min_months_out")},
                "readmission.min_months_out",
            )
        )
    return problems
