from django.db import models

from intraprenad.accounts.access import EVERYWHERE, unit_ids_for


class ScopedQuerySet(models.QuerySet):
    """Rows whose `scope_path` (an OrgUnit foreign-key path) lies within the user's scope for `perm`."""

    scope_path = "result_unit__org_unit_id"

    def for_user(self, user, perm: str = "economy.view_economy"):
        units = unit_ids_for(user, perm)
        if units is EVERYWHERE:
            return self
        return self.filter(**{f"{self.scope_path}__in": units})


def scoped(path: str):
    return type(f"ScopedQuerySet_{path}", (ScopedQuerySet,), {"scope_path": path})
