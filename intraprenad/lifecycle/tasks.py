"""Background jobs of the lifecycle (django-q2): the daily job that applies the lifecycle's dates."""


def apply_due_dates() -> int:
    """Daily (scheduled by migration 0003): decided terminations take effect and ended agreement periods expire
    (see `services.apply_due_dates`); returns how many intraprenader it ended or held."""
    from django.utils import timezone

    from intraprenad.lifecycle.services import apply_due_dates as apply

    return len(apply(today=timezone.localdate()))
