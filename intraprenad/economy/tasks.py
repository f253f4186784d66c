"""Background jobs of the economy (django-q2): ledger imports and the daily review of action plans."""


def run_import(import_id: int, allow_differences: bool = False) -> str:
    """Import a queued upload (see `services.ledger.run_queued_import`); returns the import's final status."""
    from intraprenad.economy.services import ledger

    return ledger.run_queued_import(import_id=import_id, allow_differences=allow_differences).status


def review_action_plans() -> int:
    """Daily (scheduled by migration 0002): escalate action plans past their deadline; returns how many."""
    from django.utils import timezone

    from intraprenad.economy.services.closing import review_action_plans as review

    return len(review(today=timezone.localdate()))
