from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .access import has_perm
from .queries import organisation_tree


@login_required
def organisation_page(request):
    if not has_perm(request.user, "accounts.view_organisation"):
        raise PermissionDenied
    return render(request, "accounts/organisation.html", {"tree": organisation_tree()})
