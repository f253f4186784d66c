"""The append-only audit log: `record` is the only writer, called from services."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def record(
    *,
    actor,
    verb: str,
    target: models.Model,
    changes: dict | None = None,
    subject: models.Model | None = None,
) -> AuditEvent:
    """Write one audit row in the caller's transaction. `actor` may be None for the system."""
    subject = subject if subject is not None else target
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        changes=_jsonable(changes or {}),
    )


def history(obj: models.Model):
    """Audit rows about `obj`, as target or as subject, oldest first."""
    ct = ContentType.objects.get_for_model(obj)
    pk = str(obj.pk)
    return (
        AuditEvent.objects.filter(models.Q(target_type=ct, target_id=pk) | models.Q(subject_type=ct, subject_id=pk))
        .select_related("actor")
        .order_by("at", "id")
    )
