"""The `--today` option shared by the daily jobs' commands."""

from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from intraprenad.core.commands import day_option


def day(value):
    return day_option(value, format_error="fel format", future_error="framtiden")


def test_without_a_value_the_day_is_today():
    assert day(None) == day("") == timezone.localdate()


def test_a_day_in_the_past_or_today_is_taken():
    assert day("2023-06-01") == date(2023, 6, 1)
    assert day(timezone.localdate().isoformat()) == timezone.localdate()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-13-01", "fel format"),
        ("1 juni", "fel format"),
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "framtiden"),
    ],
)
def test_a_bad_or_future_day_is_refused_with_the_callers_message(value, message):
    with pytest.raises(CommandError, match=message):
        day(value)
