"""Who may do what, where. Deny by default.

A permission is granted by holding one of its roles on an organisational unit that is the
object's scope unit or one of its ancestors. Objects expose `scope_unit_id`. Administrators
(role `admin` anywhere, or Django superusers) hold every permission everywhere.

Views fetch through `Model.objects.for_user(user)` (built on `unit_ids_for`), and services call
`require_perm`, so the admin, commands and the API cannot bypass the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OrgUnit, Role, RoleAssignment

R = Role
STAFF_SIDE = {R.UNIT_HEAD, R.STAFF}
ADMINISTRATION = {R.OFFICER, R.ECONOMIST, R.REGISTRAR}
READERS = ADMINISTRATION | STAFF_SIDE | {R.BOARD_MEMBER, R.EVALUATOR}

PERMISSIONS: dict[str, frozenset[str]] = {
    # organisation and guidelines
    "accounts.view_organisation": frozenset(READERS),
    "policy.view_revision": frozenset(READERS),
    "policy.change_revision": frozenset({R.OFFICER}),
    "policy.adopt_revision": frozenset({R.BOARD_MEMBER, R.REGISTRAR}),
    # case register, meetings and decisions
    "cases.view_case": frozenset(READERS - STAFF_SIDE - {R.EVALUATOR}),
    "cases.view_confidential": frozenset({R.REGISTRAR, R.OFFICER, R.BOARD_MEMBER}),
    "cases.register_case": frozenset({R.REGISTRAR, R.OFFICER}),
    "cases.register_document": frozenset({R.REGISTRAR, R.OFFICER}),
    "cases.manage_meeting": frozenset({R.REGISTRAR}),
    "cases.record_decision": frozenset({R.BOARD_MEMBER, R.REGISTRAR}),
    "cases.refer_case": frozenset({R.REGISTRAR, R.BOARD_MEMBER}),
    # the intraprenad lifecycle
    "lifecycle.view_intraprenad": frozenset(READERS),
    "lifecycle.register_interest": frozenset({R.UNIT_HEAD, R.STAFF, R.OFFICER}),
    "lifecycle.manage_training": frozenset({R.OFFICER}),
    "lifecycle.record_presentation": frozenset({R.OFFICER, R.UNIT_HEAD}),
    "lifecycle.edit_application": frozenset({R.UNIT_HEAD, R.OFFICER}),
    "lifecycle.submit_application": frozenset({R.UNIT_HEAD, R.OFFICER}),
    "lifecycle.withdraw": frozenset({R.UNIT_HEAD, R.OFFICER}),
    "lifecycle.prepare_case": frozenset({R.OFFICER}),
    "lifecycle.decide": frozenset({R.BOARD_MEMBER}),
    "lifecycle.edit_agreement": frozenset({R.OFFICER, R.UNIT_HEAD}),
    "lifecycle.sign_agreement": frozenset({R.OFFICER, R.REGISTRAR}),
    "lifecycle.propose_termination": frozenset({R.OFFICER}),
    # the economy
    "economy.view_economy": frozenset({R.OFFICER, R.ECONOMIST, R.BOARD_MEMBER, R.UNIT_HEAD, R.STAFF}),
    "economy.manage_ledger": frozenset({R.ECONOMIST}),
    "economy.edit_budget": frozenset({R.ECONOMIST, R.UNIT_HEAD}),
    "economy.approve_budget": frozenset({R.ECONOMIST, R.BOARD_MEMBER}),
    "economy.enter_forecast": frozenset({R.UNIT_HEAD, R.ECONOMIST}),
    "economy.prepare_closing": frozenset({R.ECONOMIST}),
    "economy.decide": frozenset({R.BOARD_MEMBER}),
    "economy.manage_action_plan": frozenset({R.UNIT_HEAD, R.OFFICER, R.ECONOMIST}),
    "audit.view": frozenset(ADMINISTRATION | {R.BOARD_MEMBER, R.UNIT_HEAD}),
}


# What each permission lets you do, for the refusal message ("You do not have permission to …").
PERMISSION_ACTIONS = {
    "accounts.view_organisation": gettext_lazy("see the organisation"),
    "policy.view_revision": gettext_lazy("read guidelines"),
    "policy.change_revision": gettext_lazy("draft guidelines"),
    "policy.adopt_revision": gettext_lazy("adopt guidelines"),
    "cases.view_case": gettext_lazy("read the case register"),
    "cases.view_confidential": gettext_lazy("read confidential details"),
    "cases.register_case": gettext_lazy("register cases"),
    "cases.register_document": gettext_lazy("register documents"),
    "cases.manage_meeting": gettext_lazy("plan meetings and approve minutes"),
    "cases.record_decision": gettext_lazy("record decisions"),
    "cases.refer_case": gettext_lazy("refer cases"),
    "lifecycle.view_intraprenad": gettext_lazy("see this intraprenad"),
    "lifecycle.register_interest": gettext_lazy("register an expression of interest for this unit"),
    "lifecycle.manage_training": gettext_lazy("manage the training programme"),
    "lifecycle.record_presentation": gettext_lazy("record the unit's presentation"),
    "lifecycle.edit_application": gettext_lazy("write this application"),
    "lifecycle.submit_application": gettext_lazy("submit this application"),
    "lifecycle.withdraw": gettext_lazy("withdraw this intraprenad"),
    "lifecycle.prepare_case": gettext_lazy("prepare cases for the board"),
    "lifecycle.decide": gettext_lazy("decide for the board"),
    "lifecycle.edit_agreement": gettext_lazy("write this agreement"),
    "lifecycle.sign_agreement": gettext_lazy("register the signatures"),
    "lifecycle.propose_termination": gettext_lazy("propose ending this intraprenad"),
    "economy.view_economy": gettext_lazy("see the economy of this unit"),
    "economy.manage_ledger": gettext_lazy("import ledgers and map accounts and units"),
    "economy.edit_budget": gettext_lazy("draft budgets for this unit"),
    "economy.approve_budget": gettext_lazy("approve budgets for this unit"),
    "economy.enter_forecast": gettext_lazy("enter a forecast for this unit"),
    "economy.prepare_closing": gettext_lazy("prepare year-end closings"),
    "economy.decide": gettext_lazy("decide on year-end results and the result fund for the board"),
    "economy.manage_action_plan": gettext_lazy("work on this action plan"),
    "audit.view": gettext_lazy("see the change log"),
}


def denied_message(perm: str) -> str:
    """The Swedish refusal for `perm`, naming what the user tried to do."""
    return _("You do not have permission to %(action)s.") % {"action": PERMISSION_ACTIONS.get(perm, perm)}


def is_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return _assignments(user).get(R.ADMIN) is not None


def _assignments(user) -> dict[str, set[int]]:
    """role -> set of scope unit ids, cached on the user object for the request."""
    cache = getattr(user, "_role_scope_cache", None)
    if cache is None:
        cache = {}
        for role, unit_id in RoleAssignment.objects.filter(user=user).values_list("role", "org_unit_id"):
            cache.setdefault(role, set()).add(unit_id)
        user._role_scope_cache = cache
    return cache


# The organisation tree, read once per request (see RequestTreeCache); None outside a request.
_request_tree: ContextVar[dict | None] = ContextVar("request_tree", default=None)


def _children_map() -> dict[int | None, list[int]]:
    cached = _request_tree.get()
    if cached:
        return cached
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    if cached is not None:
        cached.update(children)
    return children


class RequestTreeCache:
    """Middleware: permission checks within one request share one reading of the organisation tree."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_tree.set({})
        try:
            return self.get_response(request)
        finally:
            _request_tree.reset(token)


def descendants(unit_ids: Iterable[int], children: dict | None = None) -> set[int]:
    """The units and everything below them."""
    children = children if children is not None else _children_map()
    seen: set[int] = set()
    stack = list(unit_ids)
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        stack.extend(children.get(pk, ()))
    return seen


class Everywhere:
    """Marker for 'all units' (administrators)."""

    def __contains__(self, item) -> bool:
        return True


EVERYWHERE = Everywhere()


def unit_ids_for(user, perm: str) -> set[int] | Everywhere:
    """The organisational units on which `user` holds `perm` (empty for anonymous users)."""
    if perm not in PERMISSIONS:
        raise KeyError(f"Unknown permission {perm!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if is_admin(user):
        return EVERYWHERE
    roots: set[int] = set()
    for role, units in _assignments(user).items():
        if role in PERMISSIONS[perm]:
            roots |= units
    return descendants(roots) if roots else set()


def has_perm(user, perm: str, obj=None) -> bool:
    units = unit_ids_for(user, perm)
    if obj is None:
        return units is EVERYWHERE or bool(units)
    return obj.scope_unit_id in units


def require_perm(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied with a Swedish message unless `user` holds `perm` on `obj`."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied(denied_message(perm))


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = set(_assignments(user))
    if user.is_superuser:
        roles.add(R.ADMIN)
    return roles
