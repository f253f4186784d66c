"""Configurability: different guideline revisions change what the system allows, with no code changes.

Each revision is made with `policy.tests.factories.adopted_revision(board=..., **parameters)`; the same
application (or agreement, or surplus) meets a different outcome under each.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.lifecycle import services
from intraprenad.lifecycle.models import Application
from intraprenad.lifecycle.rules import split_surplus
from intraprenad.lifecycle.tests.factories import DAYS, fill_application, intraprenad_at
from intraprenad.policy.tests.factories import adopted_revision

TWO_THIRDS = {"staff_support_rule": "share", "staff_support_share": Decimal("66.67")}
MAJORITY = {"staff_support_rule": "majority"}
NO_SUPPORT_NEEDED = {"staff_support_rule": "none"}
GATE_TWO_YEARS = {"min_years_positive_result": 2, "agreement_period_years": 3}


@pytest.fixture(autouse=True)
def fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def submit_under(muni, parameters: dict, *, staff_total: int, staff_in_favour: int, years: int) -> Application:
    """Adopt a revision for the board with `parameters`, write the same application under it and submit it."""
    adopted_revision(board=muni.board, **parameters)
    intraprenad = intraprenad_at("training_completed", muni)
    application = services.start_application(
        by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started
    )
    fill_application(
        muni, application, staff_total=staff_total, staff_in_favour=staff_in_favour, years_positive_result=years
    )
    return services.submit_application(by=muni.users.unit_head, application=application, today=DAYS.submitted)


@pytest.mark.parametrize(
    ("parameters", "in_favour", "accepted"),
    [
        (TWO_THIRDS, 6, True),
        (TWO_THIRDS, 5, False),
        (MAJORITY, 5, True),
        (MAJORITY, 4, False),
        (NO_SUPPORT_NEEDED, 0, True),
    ],
    ids=["two-thirds-6-of-9", "two-thirds-5-of-9", "majority-5-of-9", "majority-4-of-9", "none-0-of-9"],
)
def test_staff_support_rule_of_the_revision_decides(muni, parameters, in_favour, accepted):
    # given the board's guidelines with a staff support rule, and a unit of 9 staff
    # when an otherwise complete application with `in_favour` of 9 in favour is submitted
    if accepted:
        application = submit_under(muni, parameters, staff_total=9, staff_in_favour=in_favour, years=0)
        # then it is accepted
        assert application.status == Application.Status.SUBMITTED
    else:
        with pytest.raises(ValidationError) as refused:
            submit_under(muni, parameters, staff_total=9, staff_in_favour=in_favour, years=0)
        # then it is refused because of the support alone
        assert len(refused.value.messages) == 1
        assert refused.value.messages[0].startswith(f"{in_favour} av 9 medarbetare är för")


def test_five_of_nine_is_refused_under_two_thirds_but_accepted_under_majority(muni):
    # given the two-thirds guidelines in force from 2020
    # when 5 of 9 apply
    with pytest.raises(ValidationError) as refused:
        submit_under(muni, TWO_THIRDS, staff_total=9, staff_in_favour=5, years=0)
    # then it is refused, quoting the share
    assert refused.value.messages == ["5 av 9 medarbetare är för; riktlinjerna kräver minst 66,67 %."]


@pytest.mark.parametrize(("years", "accepted"), [(1, False), (2, True), (3, True)])
def test_eligibility_gate_of_two_years_with_positive_result(muni, years, accepted):
    # given guidelines requiring two consecutive years with a positive result
    # when a unit with `years` such years applies (with full staff support)
    if accepted:
        application = submit_under(muni, GATE_TWO_YEARS, staff_total=9, staff_in_favour=9, years=years)
        # then it may apply
        assert application.status == Application.Status.SUBMITTED
    else:
        with pytest.raises(ValidationError) as refused:
            submit_under(muni, GATE_TWO_YEARS, staff_total=9, staff_in_favour=9, years=years)
        # then the gate is the reason
        assert refused.value.messages == [
            "Enheten har 1 år i följd med positivt resultat; riktlinjerna kräver minst 2."
        ]


def test_without_a_gate_one_year_is_enough(muni):
    # given guidelines with no eligibility gate
    # when a unit with one positive year applies
    application = submit_under(muni, {"min_years_positive_result": 0}, staff_total=9, staff_in_favour=9, years=1)
    # then it may apply
    assert application.status == Application.Status.SUBMITTED


@pytest.mark.parametrize(
    ("years", "period_end"),
    [(3, date(2024, 12, 31)), (1, date(2022, 12, 31)), (4, date(2025, 12, 31))],
)
def test_agreement_period_follows_the_revision(muni, years, period_end):
    # given a granted application under guidelines with an agreement period of `years`
    application = intraprenad_at("granted", muni, agreement_period_years=years).applications.first()
    # when the agreement is drafted from 2022-01-01
    agreement = services.start_agreement(
        by=muni.users.officer, application=application, period_start=date(2022, 1, 1), today=DAYS.agreement_started
    )
    # then its end is computed from the revision
    assert agreement.period_end == period_end


def test_a_later_revision_applies_only_to_later_applications(muni):
    # given a majority revision from 2020 and a two-thirds revision from 2022
    adopted_revision(board=muni.board, valid_from=date(2020, 1, 1), **MAJORITY)
    adopted_revision(board=muni.board, valid_from=date(2022, 1, 1), **TWO_THIRDS)
    # when a 2021 application with 5 of 9 is submitted
    intraprenad = intraprenad_at("training_completed", muni)
    application = services.start_application(by=muni.users.unit_head, intraprenad=intraprenad, today=date(2021, 5, 2))
    fill_application(muni, application, staff_total=9, staff_in_favour=5)
    services.submit_application(by=muni.users.unit_head, application=application, today=date(2021, 5, 15))
    # then it was judged by the 2020 revision it was written under
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.revision.valid_from == date(2020, 1, 1)


def test_required_sections_are_configuration(muni):
    # given guidelines that require only two sections
    adopted_revision(board=muni.board, sections=[("ide", "Affärsidé"), ("budget", "Budget")])
    intraprenad = intraprenad_at("training_completed", muni)
    # when the application is started
    application = services.start_application(
        by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started
    )
    # then it has exactly those sections
    assert [s.title for s in application.sections.all()] == ["Affärsidé", "Budget"]


# The surplus rule ----------------------------------------------------------------------------

LJUSDAL_LIKE = {"share_unit_pct": Decimal("60"), "fund_cap_pct": Decimal("5"), "fund_cap_amount": None}
ALL_TO_UNIT = {"share_unit_pct": Decimal("100"), "fund_cap_pct": None, "fund_cap_amount": None}


@pytest.mark.parametrize(
    ("revision", "surplus", "turnover", "balance", "to_unit", "to_board"),
    [
        # 60 % kept, fund capped at 5 % of turnover (10 MSEK turnover -> cap 500 000)
        (LJUSDAL_LIKE, "400000", "10000000", "0", "240000.00", "160000.00"),
        (LJUSDAL_LIKE, "400000", "10000000", "400000", "100000.00", "300000.00"),
        (LJUSDAL_LIKE, "400000", "10000000", "500000", "0.00", "400000.00"),
        (LJUSDAL_LIKE, "400000", "10000000", "650000", "0.00", "400000.00"),
        (LJUSDAL_LIKE, "0.05", "10000000", "0", "0.03", "0.02"),
        # everything kept, no cap
        (ALL_TO_UNIT, "400000", "10000000", "650000", "400000.00", "0.00"),
        (ALL_TO_UNIT, "0", "10000000", "0", "0.00", "0"),
    ],
)
def test_surplus_split_under_two_revisions(revision, surplus, turnover, balance, to_unit, to_board):
    # given a revision's surplus rule and the year's figures
    # when the surplus is split
    result = split_surplus(Decimal(surplus), turnover=Decimal(turnover), fund_balance=Decimal(balance), **revision)
    # then the unit's part is capped so the fund stays within its cap, and the board gets the rest
    assert result == (Decimal(to_unit), Decimal(to_board))


def test_surplus_cap_as_an_amount_and_a_share_takes_the_lower():
    # given a cap of 5 % of turnover (500 000) and a cap of 300 000 SEK
    # when a large surplus is split with an empty fund
    to_unit, to_board = split_surplus(
        Decimal("1000000"), Decimal("100"), Decimal("5"), Decimal("300000"), Decimal("10000000"), Decimal("0")
    )
    # then the lower cap applies
    assert (to_unit, to_board) == (Decimal("300000"), Decimal("700000"))


def test_negative_surplus_is_not_a_surplus():
    # given a deficit
    # when it is split as a surplus
    # then it is refused
    with pytest.raises(ValueError):
        split_surplus(Decimal("-1"), Decimal("60"), None, None, Decimal("1"), Decimal("0"))


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(
    surplus=money,
    share=percent,
    cap_pct=st.one_of(st.none(), percent),
    cap_amount=st.one_of(st.none(), money),
    turnover=money,
    balance=money,
)
def test_surplus_split_conserves_money_and_respects_the_cap(surplus, share, cap_pct, cap_amount, turnover, balance):
    # given any surplus, share and caps
    # when it is split
    to_unit, to_board = split_surplus(surplus, share, cap_pct, cap_amount, turnover, balance)
    # then no money is lost or created, neither part is negative, and the unit never gets more than its share
    assert to_unit + to_board == surplus
    assert to_unit >= 0 and to_board >= 0
    assert to_unit <= (surplus * share / 100).quantize(Decimal("0.01")) + Decimal("0.01")
    # and the fund never grows past a cap that it was below
    caps = [c for c in ((turnover * cap_pct / 100) if cap_pct is not None else None, cap_amount) if c is not None]
    if caps and balance <= min(caps):
        assert balance + to_unit <= min(caps) + Decimal("0.01")
