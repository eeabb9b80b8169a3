"""Opening classes, enrolling, recording results, and the certificate the pipeline reads."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.accounts.models import AuditEvent
from dangvien.lib.errors import ServiceError
from dangvien.people.models import Status
from dangvien.rulebook.models import RuleVersion
from dangvien.training import services
from dangvien.training.models import ClassKind, Enrolment, Result
from dangvien.training.selectors import awareness_certificate, new_member_class
from tests.conftest import World
from tests.people.factories import make_people, make_person
from tests.training.factories import make_class, pass_class

pytestmark = pytest.mark.django_db


def test_class_end_before_start_is_refused(world: World) -> None:
    with pytest.raises(ServiceError) as exc:
        services.class_create(
            acting_user=world.xa,
            organiser=world.an_my,
            kind=ClassKind.AWARENESS,
            name="Lớp A",
            place="",
            start=date(2025, 3, 10),
            end=date(2025, 3, 9),
        )
    assert "end" in exc.value.by_field()


def test_a_cell_secretary_cannot_open_a_class_and_a_cell_is_no_organiser(world: World) -> None:
    with pytest.raises(PermissionDenied):
        make_class_as(world, world.bithu)
    with pytest.raises(ServiceError) as exc:
        services.class_create(
            acting_user=world.xa,
            organiser=world.cell_1,
            kind=ClassKind.AWARENESS,
            name="Lớp A",
            place="",
            start=date(2025, 3, 10),
            end=date(2025, 3, 14),
        )
    assert "organiser" in exc.value.by_field()


def make_class_as(world: World, user: object) -> None:
    services.class_create(
        acting_user=user,  # type: ignore[arg-type]
        organiser=world.an_my,
        kind=ClassKind.AWARENESS,
        name="Lớp A",
        place="",
        start=date(2025, 3, 10),
        end=date(2025, 3, 14),
    )


def test_awareness_class_refuses_a_member_naming_them(world: World) -> None:
    training_class = make_class(world.an_my)
    member = make_person(world.cell_1, "Lê Văn Đảng Viên")
    candidate = make_person(world.cell_1, "Trần Thị Quần Chúng", Status.CANDIDATE)
    with pytest.raises(ServiceError) as exc:
        services.class_enrol(
            acting_user=world.xa, training_class=training_class, people=[member, candidate]
        )
    (problem,) = exc.value.problems
    assert "Lê Văn Đảng Viên" in problem.message
    assert not Enrolment.objects.exists()


def test_new_member_class_takes_probationary_members_only(world: World) -> None:
    training_class = make_class(world.an_my, ClassKind.NEW_MEMBER, name="Lớp đảng viên mới")
    candidate = make_person(world.cell_1, "Trần Thị Quần Chúng", Status.CANDIDATE)
    with pytest.raises(ServiceError):
        services.class_enrol(
            acting_user=world.xa, training_class=training_class, people=[candidate]
        )
    probationary = make_person(world.cell_1, "Phạm Văn Dự Bị", Status.PROBATIONARY)
    done = services.class_enrol(
        acting_user=world.xa, training_class=training_class, people=[probationary]
    )
    assert len(done) == 1
    services.enrolment_record_result(
        acting_user=world.xa,
        enrolment=done[0],
        attended=True,
        result=Result.PASSED,
        certificate_number="ĐVM-1",
        certificate_date=date(2020, 3, 13),
    )
    found = new_member_class(probationary)
    assert found is not None
    assert found.certificate_number == "ĐVM-1"


def test_enrolling_twice_skips_those_already_in_the_class(world: World) -> None:
    training_class = make_class(world.an_my)
    people = make_people(world.cell_1, ["Một", "Hai"], Status.CANDIDATE)
    services.class_enrol(acting_user=world.xa, training_class=training_class, people=people[:1])
    again = services.class_enrol(acting_user=world.xa, training_class=training_class, people=people)
    assert [e.person for e in again] == [people[1]]
    assert training_class.enrolments.count() == 2
    assert AuditEvent.objects.filter(action="training.enrol").count() == 2


def test_enrolment_refuses_people_outside_the_users_scope(world: World) -> None:
    training_class = make_class(world.an_my)
    stranger = make_person(world.kb_school, "Ngô Văn Xa Lạ", Status.CANDIDATE)
    with pytest.raises(ServiceError) as exc:
        services.class_enrol(acting_user=world.xa, training_class=training_class, people=[stranger])
    assert "Ngô Văn Xa Lạ" in str(exc.value)


def test_a_pass_needs_the_certificate_number_and_a_date_after_the_class(world: World) -> None:
    training_class = make_class(world.an_my)
    person = make_person(world.cell_1, "Trần Thị Học Viên", Status.CANDIDATE)
    (enrolment,) = services.class_enrol(
        acting_user=world.xa, training_class=training_class, people=[person]
    )
    with pytest.raises(ServiceError) as exc:
        services.enrolment_record_result(
            acting_user=world.xa, enrolment=enrolment, attended=True, result=Result.PASSED
        )
    assert set(exc.value.by_field()) == {"certificate_number", "certificate_date"}
    assert "Trần Thị Học Viên" in str(exc.value)
    with pytest.raises(ServiceError) as exc:
        services.enrolment_record_result(
            acting_user=world.xa,
            enrolment=enrolment,
            attended=True,
            result=Result.PASSED,
            certificate_number="GCN-1",
            certificate_date=date(2020, 3, 12),  # the class ends on 13/03/2020
        )
    assert "13/03/2020" in str(exc.value)
    services.enrolment_record_result(
        acting_user=world.xa,
        enrolment=enrolment,
        attended=True,
        result=Result.PASSED,
        certificate_number="GCN-1",
        certificate_date=date(2020, 3, 13),
    )
    enrolment.refresh_from_db()
    assert enrolment.result == Result.PASSED
    assert AuditEvent.objects.filter(action="training.record_result").count() == 1


def test_certificate_is_valid_on_its_last_day_and_not_the_day_after(world: World) -> None:
    person = make_person(world.cell_1, "Trần Thị Học Viên", Status.CANDIDATE)
    pass_class(make_class(world.an_my), person, issued=date(2020, 3, 16))
    last = awareness_certificate(person, date(2025, 3, 15))
    assert last is not None
    assert last.valid
    assert last.expires == date(2025, 3, 16)
    assert "60 tháng" in last.rule_cite
    after = awareness_certificate(person, date(2025, 3, 16))
    assert after is not None
    assert not after.valid
    assert awareness_certificate(person, date(2020, 3, 15)) is None


def test_the_rule_version_in_force_on_the_issue_date_is_used(world: World) -> None:
    RuleVersion.objects.create(
        key="training.awareness_certificate_months",
        effective_from=date(2023, 1, 1),
        value=36,
        title="Giấy chứng nhận có giá trị 36 tháng (giả định cho kiểm thử)",
        source="Quy định thử",
    )
    before = make_person(world.cell_1, "Cấp Trước", Status.CANDIDATE)
    after = make_person(world.cell_1, "Cấp Sau", Status.CANDIDATE)
    pass_class(make_class(world.an_my), before, issued=date(2020, 3, 16))
    later = make_class(world.an_my, start=date(2023, 6, 5), end=date(2023, 6, 9), name="Lớp II")
    pass_class(later, after, issued=date(2023, 6, 12), number="GCN-2")
    on = date(2025, 1, 2)
    old = awareness_certificate(before, on)
    assert old is not None
    assert old.valid
    assert old.expires == date(2025, 3, 16)
    new = awareness_certificate(after, on)
    assert new is not None
    assert new.expires == date(2026, 6, 12)
    assert "36 tháng" in new.rule_cite
    assert not awareness_certificate(after, date(2026, 6, 12)).valid  # type: ignore[union-attr]


def test_the_latest_certificate_counts(world: World) -> None:
    person = make_person(world.cell_1, "Học Lại", Status.CANDIDATE)
    first = make_class(world.an_my, start=date(2015, 3, 9), end=date(2015, 3, 13))
    pass_class(first, person, issued=date(2015, 3, 16), number="CU")
    again = make_class(world.an_my, start=date(2021, 6, 7), end=date(2021, 6, 11), name="Lớp II")
    pass_class(again, person, issued=date(2021, 6, 14), number="MOI")
    found = awareness_certificate(person, date(2022, 1, 1))
    assert found is not None
    assert found.number == "MOI"
    assert found.valid
