"""The political case of seeds 000/001, built through the real services.

Motion KS 2023-00258 filed with the council on 4 April 2023, KF § 49; KSAU § 103 refers it to
the social board (SN) and the school board (BUN).
"""

from datetime import date
from types import SimpleNamespace

import pytest

from intraprenad.cases import services
from intraprenad.cases.models import Meeting, Paragraph


def held_meeting(muni, body, on: date) -> Meeting:
    meeting = services.create_meeting(by=muni.users.registrar, body=body, date=on)
    return services.hold_meeting(by=muni.users.registrar, meeting=meeting)


@pytest.fixture
def motion_case(muni) -> SimpleNamespace:
    registrar = muni.users.registrar
    motion = services.register_motion(
        by=registrar,
        council=muni.kf,
        title="Motion om att utreda intraprenader",
        movers="Ermin Škoric (S), Shabnam Zamani (S), Maj-Britt Rane Andersson (S)",
        filed_on=date(2023, 4, 4),
        text="Vi föreslår att möjligheterna för intraprenadverksamhet utreds.",
        number=258,
    )
    kf_meeting = held_meeting(muni, muni.kf, date(2023, 4, 24))
    kf_paragraph = services.record_paragraph(
        by=registrar,
        meeting=kf_meeting,
        case=motion.case,
        title="Motion om intraprenader",
        outcome=Paragraph.Outcome.REFER,
        decision_text="Motionen överlämnas till kommunstyrelsen för beredning.",
        number=49,
    )
    ksau_meeting = held_meeting(muni, muni.ksau, date(2023, 5, 9))
    referral_paragraph = services.record_paragraph(
        by=registrar,
        meeting=ksau_meeting,
        case=motion.case,
        title="Remiss av motion om intraprenader",
        outcome=Paragraph.Outcome.REFER,
        decision_text="Motionen remitteras till nämnderna för beredning.",
        number=103,
    )
    return SimpleNamespace(
        motion=motion,
        case=motion.case,
        kf_meeting=kf_meeting,
        kf_paragraph=kf_paragraph,
        ksau_meeting=ksau_meeting,
        referral_paragraph=referral_paragraph,
    )
