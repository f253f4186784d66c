from django.conf import settings

from .access import has_perm


def municipality(request):
    user = request.user
    return {
        "MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME,
        "nav": {
            "cases": has_perm(user, "cases.view_case"),
            "guidelines": has_perm(user, "policy.view_revision"),
            "organisation": has_perm(user, "accounts.view_organisation"),
            "economy": has_perm(user, "economy.view_economy"),
            "ledger": has_perm(user, "economy.manage_ledger"),
        },
    }
