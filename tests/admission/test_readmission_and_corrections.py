from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Prefetch

from dangvien.admission.models import Case, CaseEvent, Source, Step
from dangvien.admission.selectors import last_event
from dangvien.admission.services import case_correct_event, case_open, case_record_step
from dangvien.lib.errors import ServiceError
from dangvien.people.models import Person, Status
from tests.admission.factories import candidate, cell_members, drive_case, open_case
from tests.conftest import World
from tests.people.factories import make_person


def _left(world: World, left_on: date) -> Person:
    person = make_person(world.cell_1, "Đinh Văn Hùng")
    Person.objects.filter(pk=person.pk).update(status=Status.LEFT, status_since=left_on)
    person.refresh_from_db()
    return person


def test_readmission_needs_36_months_out_and_the_province_consent(world: World) -> None:
    person = _left(world, date(2023, 1, 10))
    with pytest.raises(ServiceError) as error:
        case_open(
            acting_user=world.bithu,
            person=person,
            source=Source.OTHER,
            on=date(2025, 12, 1),
            readmission=True,
        )
    text = str(error.value)
    assert "chưa đủ 36 tháng" in text
    assert "văn bản đồng ý của ban thường vụ tỉnh ủy" in text
    case = case_open(
        acting_user=world.bithu,
        person=person,
        source=Source.OTHER,
        on=date(2026, 1, 12),
        readmission=True,
        consent_document="Công văn (mẫu) 12-CV/TU",
    )
    assert case.readmission
    assert case.events.get().override_document == "Công văn (mẫu) 12-CV/TU"


def test_after_a_cleared_conviction_60_months(world: World) -> None:
    person = _left(world, date(2022, 1, 10))
    with pytest.raises(ServiceError, match="chưa đủ 60 tháng"):
        case_open(
            acting_user=world.bithu,
            person=person,
            source=Source.OTHER,
            on=date(2026, 1, 12),
            readmission=True,
            after_conviction=True,
            consent_document="CV 1",
        )


def test_a_correction_is_a_new_event_pointing_at_the_old(world: World) -> None:
    person = make_person(world.cell_1, "Đặng Thị Lan", status=Status.CANDIDATE)
    case = case_open(
        acting_user=world.bithu, person=person, source=Source.WOMEN, on=date(2026, 1, 5)
    )
    member = make_person(world.cell_1, "Lê Văn Bình")
    event = case_record_step(
        acting_user=world.bithu,
        case=case,
        step=Step.HELPER,
        on=date(2026, 1, 20),
        helper=member,
        document_number="1-PC",
    )
    with pytest.raises(ServiceError, match="lý do"):
        case_correct_event(acting_user=world.xa, event=event, reason="", on=date(2026, 1, 19))
    correction = case_correct_event(
        acting_user=world.xa,
        event=event,
        reason="Biên bản họp chi bộ ghi ngày 19/01",
        on=date(2026, 1, 19),
    )
    event.refresh_from_db()
    case.refresh_from_db()
    assert correction.corrects == event
    assert (event.on, event.document_number) == (date(2026, 1, 20), "1-PC")  # never edited
    assert correction.on == date(2026, 1, 19)
    assert case.stage_since == date(2026, 1, 19)
    assert CaseEvent.objects.filter(case=case, step=Step.HELPER).count() == 2
    with pytest.raises(ServiceError, match="đã được đính chính"):
        case_correct_event(acting_user=world.xa, event=event, reason="x")


def test_the_latest_event_is_the_same_from_loaded_events_as_from_the_database(
    world: World,
) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.DECISION)
    awareness = case.events.get(step=Step.AWARENESS_CLASS)
    case_correct_event(
        acting_user=None, event=awareness, on=date(2024, 2, 28), reason="Ghi nhầm ngày"
    )
    plain = Case.objects.get(pk=case.pk)
    loaded = Case.objects.prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.prefetch_related("corrections"))
    ).get(pk=case.pk)
    for step in [*Step.values, "no_such_step"]:
        assert last_event(loaded, step) == last_event(plain, step), step
    corrected = last_event(loaded, Step.AWARENESS_CLASS)
    assert corrected is not None
    assert corrected.on == date(2024, 2, 28)  # the corrected 01/03 no longer counts
