"""Writing audit events. Every service calls `audit_record` inside its transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from dangvien.accounts.context import current_request
from dangvien.accounts.models import AuditEvent
from dangvien.orgs.models import Unit

# A user, or None for the operator's own commands (demo, geography), recorded as "hệ thống".
Actor = User | AnonymousUser | None
SYSTEM_LABEL = "hệ thống"


def actor_user(actor: Actor) -> User | None:
    """The signed-in user behind an action, or None for the operator's commands."""
    return actor if isinstance(actor, User) else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in keys
        if before.get(key) != after.get(key)
    }


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def audit_record_many(
    *, actor: Actor, action: str, items: list[tuple[models.Model, Unit | None, Mapping[str, Any]]]
) -> int:
    """One event per (target, unit, changes), written in batches: for imports of many rows."""
    if not items:
        return 0
    request = current_request()
    user = actor_user(actor)
    label = user.get_username() if user is not None else SYSTEM_LABEL
    content_type = ContentType.objects.get_for_model(items[0][0], for_concrete_model=False)
    events = [
        AuditEvent(
            actor=user,
            actor_label=label,
            action=action,
            target_type=content_type,
            target_id=str(target.pk),
            target_repr=str(target)[:250],
            unit=unit,
            changes=_jsonable(dict(changes)),
            request_id=request.request_id if request else "",
            ip_address=request.ip_address if request else None,
            request_path=request.path if request else "",
        )
        for target, unit, changes in items
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    unit: Unit | None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    request = current_request()
    user = actor_user(actor)
    event = AuditEvent(
        actor=user,
        actor_label=user.get_username() if user is not None else SYSTEM_LABEL,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:250],
        unit=unit,
        changes=_jsonable(dict(changes or {})),
        request_id=request.request_id if request else "",
        ip_address=request.ip_address if request else None,
        request_path=request.path if request else "",
    )
    event.save()
    return event
