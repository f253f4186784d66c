"""Shared fixtures: a small municipality with one user per role.

Testkommun (municipality)
└─ Kommunfullmäktige KF (council, series KS)
   ├─ Kommunstyrelsen KS (executive, series KS)
   │  └─ Kommunstyrelsens arbetsutskott KSAU
   ├─ Socialnämnden SN (board, series SN)
   │  └─ Socialförvaltningen (administration)
   │     ├─ Hemvården Norr (unit, home care)   <- unit_head, staff, evaluator
   │     └─ Hemvården Syd (unit, home care)    <- other_unit_head
   └─ Barn- och utbildningsnämnden BUN (board, series BUN)
      └─ Barn- och utbildningsförvaltningen
         └─ Åsa skola (unit, school)
"""

from types import SimpleNamespace

import pytest
from django.utils import translation

from intraprenad.accounts.models import OrgUnit, Role
from intraprenad.accounts.tests.factories import UserFactory, user_with_role

K = OrgUnit.Kind


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture(autouse=True)
def progress_cache(settings, tmp_path_factory):
    """Each test's import progress in a directory of its own, not in the checkout's var/."""
    settings.CACHES = {
        **settings.CACHES,
        "progress": {**settings.CACHES["progress"], "LOCATION": str(tmp_path_factory.mktemp("progress"))},
    }


def build_municipality() -> SimpleNamespace:
    root = OrgUnit.objects.create(name="Testkommun", kind=K.MUNICIPALITY)
    kf = OrgUnit.objects.create(
        name="Kommunfullmäktige", short_name="KF", kind=K.COUNCIL, parent=root, case_series="KS"
    )
    ks = OrgUnit.objects.create(name="Kommunstyrelsen", short_name="KS", kind=K.EXECUTIVE, parent=kf, case_series="KS")
    ksau = OrgUnit.objects.create(
        name="Kommunstyrelsens arbetsutskott", short_name="KSAU", kind=K.WORKING_COMMITTEE, parent=ks, case_series="KS"
    )
    board = OrgUnit.objects.create(name="Socialnämnden", short_name="SN", kind=K.BOARD, parent=kf, case_series="SN")
    admin_unit = OrgUnit.objects.create(name="Socialförvaltningen", kind=K.ADMINISTRATION, parent=board)
    unit = OrgUnit.objects.create(name="Hemvården Norr", kind=K.UNIT, parent=admin_unit, service_type="Hemtjänst")
    other_unit = OrgUnit.objects.create(name="Hemvården Syd", kind=K.UNIT, parent=admin_unit, service_type="Hemtjänst")
    school_board = OrgUnit.objects.create(
        name="Barn- och utbildningsnämnden", short_name="BUN", kind=K.BOARD, parent=kf, case_series="BUN"
    )
    school_admin = OrgUnit.objects.create(
        name="Barn- och utbildningsförvaltningen", kind=K.ADMINISTRATION, parent=school_board
    )
    school = OrgUnit.objects.create(name="Åsa skola", kind=K.UNIT, parent=school_admin, service_type="Grundskola")
    users = SimpleNamespace(
        admin=user_with_role("admin", Role.ADMIN, root),
        registrar=user_with_role("registrator", Role.REGISTRAR, root),
        officer=user_with_role("handlaggare", Role.OFFICER, admin_unit),
        economist=user_with_role("ekonom", Role.ECONOMIST, admin_unit),
        board_member=user_with_role("ledamot", Role.BOARD_MEMBER, board),
        unit_head=user_with_role("enhetschef", Role.UNIT_HEAD, unit),
        staff=user_with_role("medarbetare", Role.STAFF, unit),
        evaluator=user_with_role("utvarderare", Role.EVALUATOR, unit),
        other_unit_head=user_with_role("annan_chef", Role.UNIT_HEAD, other_unit),
        school_officer=user_with_role("skolhandlaggare", Role.OFFICER, school_admin),
        no_role=UserFactory(username="utan_roll"),
    )
    return SimpleNamespace(
        root=root,
        kf=kf,
        ks=ks,
        ksau=ksau,
        board=board,
        administration=admin_unit,
        unit=unit,
        other_unit=other_unit,
        school_board=school_board,
        school_admin=school_admin,
        school=school,
        users=users,
    )


@pytest.fixture
def muni(db) -> SimpleNamespace:
    return build_municipality()


def pytest_configure(config):
    # The default PBKDF2 hasher costs ~0.3 s per user; the fixtures create a dozen per test.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
