"""What the management commands of several apps share."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone


def day_option(value: str | None, *, format_error: str, future_error: str) -> date:
    """The day a `--today YYYY-MM-DD` option gives (today without one). A value that is no such day is refused with
    `format_error`, a day in the future with `future_error` (a daily job may catch up, never run ahead); the
    messages come translated from the calling app."""
    today = timezone.localdate()
    if not value:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(format_error) from error
    if day > today:
        raise CommandError(future_error)
    return day
