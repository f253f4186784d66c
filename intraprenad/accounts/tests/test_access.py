import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from intraprenad.accounts import access, audit
from intraprenad.accounts.models import AuditEvent


def test_unit_head_holds_unit_permissions_only_on_own_unit(muni):
    # given a unit head of Hemvården Norr
    head = muni.users.unit_head
    # then they may edit applications there and not at the neighbouring unit
    assert access.unit_ids_for(head, "lifecycle.edit_application") == {muni.unit.pk}
    assert not access.has_perm(head, "lifecycle.decide")


def test_officer_scope_covers_every_unit_under_the_administration(muni):
    units = access.unit_ids_for(muni.users.officer, "lifecycle.prepare_case")
    assert units == {muni.administration.pk, muni.unit.pk, muni.other_unit.pk}


def test_administrator_holds_everything_everywhere(muni):
    assert access.unit_ids_for(muni.users.admin, "lifecycle.decide") is access.EVERYWHERE


def test_anonymous_and_roleless_users_hold_nothing(muni, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), muni.users.no_role):
        assert access.unit_ids_for(user, "lifecycle.view_intraprenad") == set()


def test_require_perm_refuses_in_swedish(muni):
    class Obj:
        scope_unit_id = muni.other_unit.pk

    with pytest.raises(PermissionDenied, match="behörighet"):
        access.require_perm(muni.users.unit_head, "lifecycle.edit_application", Obj())


def test_unknown_permission_is_a_programming_error(muni):
    with pytest.raises(KeyError):
        access.unit_ids_for(muni.users.officer, "lifecycle.fly")


def test_audit_rows_cannot_be_changed(muni):
    # given one audit row
    event = audit.record(actor=muni.users.officer, verb="orgunit.viewed", target=muni.unit)
    # when someone tries to update it, the database refuses
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    # then the row is unchanged
    assert AuditEvent.objects.get(pk=event.pk).verb == "orgunit.viewed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite blocks only UPDATE (see migration 0002)")
def test_audit_rows_cannot_be_deleted_on_postgresql(muni):
    event = audit.record(actor=muni.users.officer, verb="orgunit.viewed", target=muni.unit)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_history_lists_rows_about_the_object_as_target_or_subject(muni):
    audit.record(actor=muni.users.officer, verb="a.one", target=muni.unit)
    audit.record(actor=muni.users.officer, verb="a.two", target=muni.administration, subject=muni.unit)
    audit.record(actor=muni.users.officer, verb="a.three", target=muni.board)
    assert [e.verb for e in audit.history(muni.unit)] == ["a.one", "a.two"]


def test_every_permission_names_its_action_in_the_refusal():
    # given the permission table / when a refusal is worded / then it says what the user tried to do, in Swedish
    from intraprenad.accounts.access import PERMISSION_ACTIONS, PERMISSIONS, denied_message

    assert set(PERMISSION_ACTIONS) == set(PERMISSIONS)
    assert denied_message("lifecycle.decide") == "Du har inte behörighet att fatta beslut för nämnden."
