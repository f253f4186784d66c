"""Gapless numbering: the next number of a (key, year) sequence, safe under concurrency.

The caller must be inside a transaction; the number is only consumed if that transaction
commits, so a rolled-back registration leaves no gap.
"""

from django.db import transaction

from .models import Counter


def next_number(*, key: str, year: int) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside transaction.atomic")
    # Create the row if missing without racing: a conflicting insert is ignored.
    Counter.objects.bulk_create([Counter(key=key, year=year, value=0)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update().get(key=key, year=year)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
