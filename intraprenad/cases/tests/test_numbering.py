"""Case numbers and paragraph numbers: gapless per series (or body) and year, formatted as in the seeds."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from intraprenad.cases import services
from intraprenad.cases.models import Paragraph

from .conftest import held_meeting


def _register(muni, body, year, title="Ärende"):
    return services.register_case(by=muni.users.registrar, org_unit=body, title=title, year=year)


def _paragraph(muni, meeting, title="Beslut"):
    return services.record_paragraph(
        by=muni.users.registrar,
        meeting=meeting,
        title=title,
        outcome=Paragraph.Outcome.NOTED,
        decision_text="Noteras.",
    )


def test_case_numbers_are_sequential_within_a_series_and_year(muni):
    # given the social board's series
    # when three cases are registered in 2024
    cases = [_register(muni, muni.board, 2024) for _ in range(3)]
    # then they are numbered 1, 2, 3
    assert [c.case_number for c in cases] == ["SN 2024-00001", "SN 2024-00002", "SN 2024-00003"]


def test_case_numbers_restart_each_year(muni):
    # given two cases in 2024
    _register(muni, muni.board, 2024)
    _register(muni, muni.board, 2024)
    # when a case is registered in 2025
    case = _register(muni, muni.board, 2025)
    # then its number starts over
    assert case.case_number == "SN 2025-00001"


def test_separate_series_are_numbered_independently(muni):
    # given a case in SN
    _register(muni, muni.board, 2024)
    # when cases are registered in BUN and KS
    bun = _register(muni, muni.school_board, 2024)
    ks = _register(muni, muni.ks, 2024)
    # then each series starts at 1
    assert (bun.case_number, ks.case_number) == ("BUN 2024-00001", "KS 2024-00001")


def test_bodies_sharing_a_series_share_its_sequence(muni):
    # given the council and the executive committee both register in series KS
    first = _register(muni, muni.kf, 2024)
    # when the executive committee registers a case
    second = _register(muni, muni.ks, 2024)
    # then it takes the next number of the shared series
    assert (first.case_number, second.case_number) == ("KS 2024-00001", "KS 2024-00002")


def test_a_rolled_back_registration_leaves_no_gap(muni):
    # given a registration whose transaction is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        _register(muni, muni.board, 2024)
        raise RuntimeError("rollback")
    # when the next case is registered
    case = _register(muni, muni.board, 2024)
    # then it takes number 1
    assert case.number == 1


def test_historical_number_is_kept_and_the_sequence_moves_past_it(muni):
    # given the motion of seed 000 registered with its known number
    historical = services.register_case(
        by=muni.users.registrar, org_unit=muni.kf, title="Motion", year=2023, number=258
    )
    # when the next case is registered in the series
    following = _register(muni, muni.ks, 2023)
    # then the historical number is exact and the next one follows it
    assert historical.case_number == "KS 2023-00258"
    assert following.case_number == "KS 2023-00259"


def test_historical_number_at_or_below_the_sequence_is_refused(muni):
    # given case KS 2023-00001
    _register(muni, muni.ks, 2023)
    # when number 1 is claimed again
    # then it is refused with the series named
    with pytest.raises(ValidationError, match="KS 2023"):
        services.register_case(by=muni.users.registrar, org_unit=muni.ks, title="Dubblett", year=2023, number=1)


def test_paragraph_numbers_run_per_body_and_year(muni):
    # given two KSAU meetings in 2023 and a KF meeting in 2023
    spring = held_meeting(muni, muni.ksau, date(2023, 3, 1))
    autumn = held_meeting(muni, muni.ksau, date(2023, 9, 1))
    council = held_meeting(muni, muni.kf, date(2023, 9, 2))
    # when paragraphs are recorded across them
    numbers = [
        _paragraph(muni, spring).short_reference,
        _paragraph(muni, spring).short_reference,
        _paragraph(muni, autumn).short_reference,
        _paragraph(muni, council).short_reference,
    ]
    # then KSAU continues across meetings and KF has its own sequence
    assert numbers == ["KSAU § 1", "KSAU § 2", "KSAU § 3", "KF § 1"]


def test_paragraph_numbers_restart_each_year(muni):
    # given a KSAU paragraph in 2023
    _paragraph(muni, held_meeting(muni, muni.ksau, date(2023, 12, 1)))
    # when KSAU meets in 2024
    paragraph = _paragraph(muni, held_meeting(muni, muni.ksau, date(2024, 1, 15)))
    # then numbering starts over
    assert (paragraph.year, paragraph.number) == (2024, 1)


def test_references_are_formatted_exactly_as_in_the_seed(motion_case):
    # given the motion case of seed 000 with KF § 49 and KSAU § 103
    # when their references are read
    # then they match the decision documents of the seed
    assert motion_case.case.case_number == "KS 2023-00258"
    assert motion_case.referral_paragraph.reference == "202300258-KSAU-§ 103"
    assert motion_case.kf_paragraph.reference == "202300258-KF-§ 49"


def test_paragraph_without_a_case_is_referenced_by_body_and_number(muni):
    # given a notice without a case
    paragraph = _paragraph(muni, held_meeting(muni, muni.board, date(2023, 2, 1)))
    # when referenced / then
    assert paragraph.reference == "SN § 1"
