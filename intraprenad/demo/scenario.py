"""The demo municipality, built through the real services so every row has its audit trail.

It reproduces the seeds: the Ljusdal guidelines (seed 004) as the municipality-wide default; Socialnämnden's
initiative for a home-care intraprenad with a one-time frame increase of 1.5 MSEK (seed 002) through the whole
lifecycle to an active, renewed agreement; the motion on investigating intraprenader (KS 2023-00258, KF § 49,
KSAU § 103) referred to four boards with the IFO board's proposal to reject it (seeds 000, 001); and the Åsa school
intraprenad wound up after a deficit (seed 001).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from intraprenad.accounts.models import OrgUnit, Role, RoleAssignment, User
from intraprenad.cases import services as cases
from intraprenad.cases.models import Case, Paragraph
from intraprenad.lifecycle import services as life
from intraprenad.lifecycle.models import BudgetLine
from intraprenad.policy import services as policy

from . import economy

K = OrgUnit.Kind
DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str
    scope: str


def is_loaded() -> bool:
    return OrgUnit.objects.filter(kind=K.MUNICIPALITY).exists()


def logins() -> list[Login]:
    rows: dict[str, Login] = {}
    for ra in RoleAssignment.objects.select_related("user", "org_unit").order_by("user__username", "role", "org_unit"):
        login = rows.get(ra.user.username)
        if login is None:
            rows[ra.user.username] = Login(ra.user.username, str(ra.user), ra.get_role_display(), ra.org_unit.name)
        else:  # one person with the same role in several parts of the organisation
            rows[ra.user.username] = Login(login.username, login.name, login.role, f"{login.scope}, {ra.org_unit.name}")
    return list(rows.values())


def _unit(name, kind, parent=None, short="", series="", service=""):
    return OrgUnit.objects.create(
        name=name, kind=kind, parent=parent, short_name=short, case_series=series, service_type=service
    )


def _user(username, first, last, title, role, unit, superuser=False):
    user = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        title=title,
        is_staff=superuser,
        is_superuser=superuser,
    )
    RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    return user


@transaction.atomic
def build() -> None:
    """Create the whole demo municipality. Run once, on an empty database."""
    o = _organisation()
    u = _users(o)
    _guidelines(o, u)
    _motion(o, u)
    _asa_school(o, u)
    _home_care(o, u)


class NS(dict):
    __getattr__ = dict.__getitem__


def _organisation() -> NS:
    o = NS()
    o.root = _unit("Demo kommun", K.MUNICIPALITY)
    o.kf = _unit("Kommunfullmäktige", K.COUNCIL, o.root, "KF", "KS")
    o.ks = _unit("Kommunstyrelsen", K.EXECUTIVE, o.kf, "KS", "KS")
    o.ksau = _unit("Kommunstyrelsens arbetsutskott", K.WORKING_COMMITTEE, o.ks, "KSAU", "KS")
    o.ifo = _unit("Nämnden för Individ & Familjeomsorg", K.BOARD, o.kf, "IFO", "IFO")
    o.ifo_adm = _unit("Förvaltningen för Individ & Familjeomsorg", K.ADMINISTRATION, o.ifo)
    o.vo = _unit("Nämnden för Vård & Omsorg", K.BOARD, o.kf, "VO", "VO")
    o.vo_adm = _unit("Förvaltningen för Vård & Omsorg", K.ADMINISTRATION, o.vo)
    _unit("Vårdboendet Linden", K.UNIT, o.vo_adm, service="Vårdboende")
    o.fg = _unit("Nämnden för Förskola & Grundskola", K.BOARD, o.kf, "FG", "FG")
    o.fg_adm = _unit("Förvaltningen för Förskola & Grundskola", K.ADMINISTRATION, o.fg)
    o.asa = _unit("Åsa skola", K.UNIT, o.fg_adm, service="Grundskola")
    _unit("Förskolan Solrosen", K.UNIT, o.fg_adm, service="Förskola")
    o.ga = _unit("Nämnden för Gymnasium & Arbetsmarknad", K.BOARD, o.kf, "GA", "GA")
    _unit("Förvaltningen för Gymnasium & Arbetsmarknad", K.ADMINISTRATION, o.ga)
    o.sn = _unit("Socialnämnden", K.BOARD, o.kf, "SN", "SN")
    o.sn_adm = _unit("Socialförvaltningen", K.ADMINISTRATION, o.sn)
    o.hemvard = _unit("Hemvården Östra", K.UNIT, o.sn_adm, service="Hemtjänst")
    o.hemvard_v = _unit("Hemvården Västra", K.UNIT, o.sn_adm, service="Hemtjänst")
    _unit("Dagliga verksamheten Kompassen", K.UNIT, o.sn_adm, service="Daglig verksamhet")
    return o


def _users(o: NS) -> NS:
    u = NS()
    u.admin = _user("admin", "Ada", "Admin", "Systemförvaltare", Role.ADMIN, o.root, superuser=True)
    u.registrar = _user("registrator", "Rut", "Registrator", "Registrator", Role.REGISTRAR, o.root)
    u.officer = _user("handlaggare", "Hanna", "Lind", "Utvecklingsstrateg", Role.OFFICER, o.sn_adm)
    u.ifo_officer = _user("handlaggare.ifo", "Ivar", "Berg", "Nämndsekreterare", Role.OFFICER, o.ifo_adm)
    u.fg_officer = _user("handlaggare.fg", "Frida", "Ek", "Controller", Role.OFFICER, o.fg_adm)
    u.economist = _user("ekonom", "Erik", "Holm", "Ekonom", Role.ECONOMIST, o.sn_adm)
    for administration in (o.fg_adm, o.vo_adm):
        RoleAssignment.objects.create(user=u.economist, role=Role.ECONOMIST, org_unit=administration)
    u.chair = _user("ledamot", "Lena", "Sjö", "Ordförande, Socialnämnden", Role.BOARD_MEMBER, o.sn)
    u.ifo_chair = _user("ledamot.ifo", "Tore", "Rydh", "Ordförande, IFO-nämnden", Role.BOARD_MEMBER, o.ifo)
    u.fg_chair = _user("ledamot.fg", "Fatima", "Nord", "Ordförande, FG-nämnden", Role.BOARD_MEMBER, o.fg)
    u.ks_member = _user("ledamot.ks", "Karl", "Strand", "Ledamot, kommunstyrelsen", Role.BOARD_MEMBER, o.ks)
    u.kf_member = _user("ledamot.kf", "Kerstin", "Fors", "Ordförande, kommunfullmäktige", Role.BOARD_MEMBER, o.kf)
    u.head = _user("enhetschef", "Eva", "Ström", "Enhetschef Hemvården Östra", Role.UNIT_HEAD, o.hemvard)
    u.staff = _user("medarbetare", "Mira", "Dahl", "Undersköterska", Role.STAFF, o.hemvard)
    u.evaluator = _user("utvarderare", "Ulf", "Vik", "Extern utvärderare", Role.EVALUATOR, o.hemvard)
    return u


def _meeting(u, body, on, location="Kommunhuset, sammanträdesrum Storsjön"):
    return cases.create_meeting(by=u.registrar, body=body, date=on, location=location)


def _approve(u, meeting, on=None):
    cases.hold_meeting(by=u.registrar, meeting=meeting)
    cases.approve_minutes(
        by=u.registrar, meeting=meeting, approved_on=on or meeting.date, adjusters="Justerare enligt protokoll"
    )


def _guidelines(o: NS, u: NS) -> None:
    # The Ljusdal guidelines, adopted municipality-wide by the council.
    case = cases.register_case(
        by=u.registrar,
        org_unit=o.kf,
        title="Riktlinjer för intraprenader",
        kind=Case.Kind.GUIDELINES,
        registered_on=date(2007, 5, 2),
    )
    meeting = _meeting(u, o.kf, date(2007, 6, 18))
    decision = cases.record_paragraph(
        by=u.registrar,
        meeting=meeting,
        case=case,
        title="Riktlinjer för intraprenader",
        outcome=Paragraph.Outcome.ADOPT,
        decision_text="Kommunfullmäktige antar riktlinjerna för intraprenader.",
    )
    _approve(u, meeting, date(2007, 6, 25))
    revision = policy.import_default(by=u.admin, name="ljusdal-2007")
    policy.adopt_revision(by=u.registrar, revision=revision, decision=decision)


def _motion(o: NS, u: NS) -> None:
    """Seeds 000 and 001: the motion, KF § 49, KSAU § 103, referral to four boards, IFO's proposal."""
    motion = cases.register_motion(
        by=u.registrar,
        council=o.kf,
        number=258,
        filed_on=date(2023, 4, 4),
        title=(
            "Motion om att utreda möjligheterna för införande av intraprenadverksamhet inom förskola, "
            "grundskola, gymnasieskola, vårdboende, daglig verksamhet samt hemtjänstgrupper"
        ),
        movers="Ermin Škoric (S), Shabnam Zamani (S), Johan Tolinsson (S), Maj-Britt Rane Andersson (S)",
        text=(
            "Motionärerna vill uppmuntra alternativa driftsformer som kan verka inom den offentliga regin och ser "
            "detta som något som kan främja nytänkande, kreativitet och innovation inom välfärdssektorn."
        ),
    )
    case = motion.case
    kf = _meeting(u, o.kf, date(2023, 4, 24))
    kf49 = cases.record_paragraph(
        by=u.registrar,
        meeting=kf,
        case=case,
        number=49,
        title=case.title,
        outcome=Paragraph.Outcome.REFER,
        decision_text="Motionen anmäls och överlämnas till kommunstyrelsen för beredning.",
    )
    _approve(u, kf, date(2023, 4, 27))
    motion.council_paragraph = kf49
    motion.save(update_fields=["council_paragraph"])
    ksau = _meeting(u, o.ksau, date(2023, 5, 8))
    ksau103 = cases.record_paragraph(
        by=u.registrar,
        meeting=ksau,
        case=case,
        number=103,
        title=case.title,
        outcome=Paragraph.Outcome.REFER,
        decision_text=(
            "Arbetsutskottet remitterar motionen till nämnden för Förskola & Grundskola, nämnden för "
            "Gymnasium & Arbetsmarknad, nämnden för Individ & Familjeomsorg samt nämnden för Vård & "
            "Omsorg för beredning."
        ),
    )
    _approve(u, ksau, date(2023, 5, 10))
    referrals = cases.refer_case(
        by=u.registrar, case=case, decision=ksau103, to_bodies=[o.fg, o.ga, o.ifo, o.vo], due_on=date(2023, 8, 31)
    )
    cases.register_document(
        by=u.registrar,
        case=case,
        kind="memo",
        direction="internal",
        document_date=date(2023, 6, 1),
        counterpart="Förvaltningen för Individ & Familjeomsorg",
        description="Förvaltningen för Individ & Familjeomsorgs tjänsteskrivelse – svar på motion om intraprenad",
    )
    ifo = _meeting(u, o.ifo, date(2023, 6, 15))
    answer = cases.record_paragraph(
        by=u.registrar,
        meeting=ifo,
        case=case,
        title="Svar på motion om att utreda intraprenadverksamhet",
        outcome=Paragraph.Outcome.PROPOSE,
        decision_text=(
            "Nämnden för Individ & Familjeomsorg föreslår kommunstyrelsen att avslå motionen med "
            "hänvisning till att nämnden redan arbetar aktivt med att stärka medarbetarna och deras "
            "inflytande inom förvaltningen."
        ),
        reasons=(
            "Alla chefer går utbildningen utvecklande ledarskap och alla anställda utvecklande medarbetarskap. "
            "Medarbetare involveras genom verksamhetsmöten, planeringsdagar, APT och riskbedömningar. Kommunen "
            "har nyligen avvecklat en intraprenad i Åsa (skola) som gick med underskott."
        ),
    )
    _approve(u, ifo, date(2023, 6, 16))
    ifo_referral = next(r for r in referrals if r.to_body_id == o.ifo.pk)
    cases.answer_referral(by=u.registrar, referral=ifo_referral, answer=answer)


def _asa_school(o: NS, u: NS) -> None:
    """Åsa school ran as an intraprenad 2019–2023 and was wound up after a deficit (seed 001)."""
    head = _user("rektor.asa", "Anders", "Åberg", "Rektor, Åsa skola", Role.UNIT_HEAD, o.asa)
    i = life.register_interest(
        by=head,
        unit=o.asa,
        received_on=date(2018, 2, 1),
        contact_name="Anders Åberg",
        staff_count=24,
        motivation="Personalgruppen vill ta ett större ansvar för skolans utveckling, ekonomi och arbetsmiljö.",
    )
    _train(u.fg_officer, head, i, date(2018, 3, 5), 6)
    app = life.start_application(by=head, intraprenad=i, today=date(2018, 6, 1))
    _fill_application(
        head,
        app,
        in_favour=17,
        total=24,
        staff=Decimal("14200000"),
        operating=Decimal("3900000"),
        revenue=Decimal("18100000"),
    )
    life.submit_application(by=head, application=app, today=date(2018, 9, 3))
    life.prepare_application(
        by=u.fg_officer,
        application=app,
        today=date(2018, 9, 20),
        summary="Åsa skola ansöker om att drivas som intraprenad från och med 1 januari 2019.",
        background="Personalgruppen har genomgått utbildningsprogrammet och presenterat sin verksamhetsidé.",
        assessment="Ansökan är fullständig och har stöd av en majoritet av personalen.",
        proposal="approve",
        proposed_decision="Nämnden beviljar ansökan om intraprenad för Åsa skola.",
    )
    fg = _meeting(u, o.fg, date(2018, 10, 18))
    life.decide_application(
        by=u.fg_chair,
        application=app,
        meeting=fg,
        outcome="approve",
        decision_text="Nämnden beviljar Åsa skolas ansökan om intraprenad.",
    )
    _approve(u, fg, date(2018, 10, 22))
    agreement = life.start_agreement(
        by=u.fg_officer, application=app, period_start=date(2019, 1, 1), today=date(2018, 10, 25)
    )
    _fill_agreement(u.fg_officer, agreement, "Åsa skola")
    fg_b = _meeting(u, o.fg, date(2018, 12, 13))
    life.decide_agreement(
        by=u.fg_chair,
        agreement=agreement,
        meeting=fg_b,
        decision_text="Nämnden godkänner överenskommelsen om intraprenad med Åsa skola.",
    )
    _approve(u, fg_b, date(2018, 12, 17))
    life.sign_agreement(
        by=u.fg_officer,
        agreement=agreement,
        signed_on=date(2018, 12, 18),
        board_signatory="Fatima Nord, ordförande",
        unit_signatory="Anders Åberg, rektor",
    )
    _renew(u, agreement, u.fg_officer, u.fg_chair, "Fatima Nord, ordförande", "Anders Åberg, rektor")
    economy.setup_ledger(o, u)
    economy.asa_deficit_years(o, u, i, head, u.economist)
    # The daily review finds the 2021 action plan past its deadline: the case for ending Åsa is raised.
    termination = economy.escalate_asa(date(2023, 3, 1))
    life.write_memo(
        by=u.fg_officer,
        case=termination.case,
        today=date(2023, 3, 10),
        title="Avveckling av intraprenaden Åsa skola",
        summary="Förvaltningen föreslår att intraprenaden Åsa skola upphör och verksamheten inordnas i förvaltningen.",
        background="Intraprenaden har gått med underskott två år i följd trots åtgärdsplan.",
        assessment="Villkoren i överenskommelsen för att upphäva den under perioden är uppfyllda.",
        proposal="approve",
        proposed_decision="Intraprenaden Åsa skola upphör den 1 juni 2023.",
    )
    fg2 = _meeting(u, o.fg, date(2023, 3, 23))
    life.decide_termination(
        by=u.fg_chair,
        termination=termination,
        meeting=fg2,
        outcome="approve",
        decision_text="Intraprenaden Åsa skola upphör den 1 juni 2023 och verksamheten inordnas i förvaltningen.",
        reasons=(
            "Intraprenaden har redovisat underskott två år i följd och åtgärdsplanen har inte återställt "
            "den ekonomiska balansen inom den tid som överenskommelsen anger."
        ),
    )
    _approve(u, fg2, date(2023, 3, 27))
    # The board decided in March with effect from 1 June: the daily job ends Åsa on that day.
    life.apply_due_dates(today=date(2023, 6, 1))


def _home_care(o: NS, u: NS) -> None:
    """Seed 002: Socialnämnden's initiative for a home-care intraprenad with a 1.5 MSEK frame increase."""
    case = cases.register_case(
        by=u.registrar,
        org_unit=o.sn,
        title="Initiativärende intraprenad inom hemvården, vård och omsorg",
        kind=Case.Kind.INITIATIVE,
        registered_on=date(2021, 3, 10),
    )
    sn = _meeting(u, o.sn, date(2021, 3, 25))
    initiative = cases.record_paragraph(
        by=u.registrar,
        meeting=sn,
        case=case,
        title="Initiativärende intraprenad inom hemvården",
        outcome=Paragraph.Outcome.APPROVE,
        decision_text=(
            "Socialnämnden föreslår kommunfullmäktige att besluta om införande av intraprenad inom "
            "hemvårdens område, ger förvaltningen i uppdrag att skapa riktlinjer och förutsättningar för "
            "driftsformen intraprenad, och att säkerställa att en enhet med denna driftsform är klar för "
            "uppstart vid ingången av 2022. En ramförstärkning om 1,5 miljoner kronor tillförs."
        ),
    )
    _approve(u, sn, date(2021, 3, 30))
    # The guidelines the board was asked to write, with seed 002's clause list.
    sn_guidelines = _meeting(u, o.sn, date(2021, 6, 17))
    adopt = cases.record_paragraph(
        by=u.registrar,
        meeting=sn_guidelines,
        case=case,
        title="Riktlinjer för intraprenad inom Socialnämndens verksamheter",
        outcome=Paragraph.Outcome.ADOPT,
        decision_text="Socialnämnden antar riktlinjerna för intraprenad.",
    )
    _approve(u, sn_guidelines, date(2021, 6, 21))
    revision = policy.import_default(by=u.officer, name="socialnamnden-2021", board=o.sn)
    policy.adopt_revision(by=u.chair, revision=revision, decision=adopt)

    i = life.start_by_board_initiative(
        by=u.officer,
        unit=o.hemvard,
        initiative=initiative,
        one_time_frame_increase=Decimal("1500000"),
        received_on=date(2021, 8, 16),
        contact_name="Eva Ström",
        staff_count=22,
        motivation="Medarbetarna i Hemvården Östra vill pröva intraprenad enligt Socialnämndens initiativ.",
    )
    _train(u.officer, u.head, i, date(2021, 8, 23), 6)
    app = life.start_application(by=u.head, intraprenad=i, today=date(2021, 10, 4))
    _fill_application(
        u.head,
        app,
        in_favour=18,
        total=22,
        staff=Decimal("11800000"),
        operating=Decimal("2100000"),
        revenue=Decimal("13900000"),
        one_time=Decimal("1500000"),
    )
    life.submit_application(by=u.head, application=app, today=date(2021, 10, 18))
    life.prepare_application(
        by=u.officer,
        application=app,
        today=date(2021, 10, 28),
        summary="Hemvården Östra ansöker om att drivas som intraprenad från och med 1 januari 2022.",
        background="Socialnämnden beslutade i mars 2021 om ett initiativ att införa intraprenad inom hemvården.",
        assessment=(
            "Ansökan uppfyller riktlinjerna. 18 av 22 medarbetare stöder ansökan. En engångsvis "
            "ramförstärkning om 1,5 miljoner kronor för utökad bemanning och uppstartskostnader föreslås."
        ),
        proposal="approve",
        proposed_decision="Socialnämnden beviljar Hemvården Östras ansökan om intraprenad.",
    )
    sn2 = _meeting(u, o.sn, date(2021, 11, 18))
    life.decide_application(
        by=u.chair,
        application=app,
        meeting=sn2,
        outcome="approve",
        decision_text="Socialnämnden beviljar Hemvården Östras ansökan om intraprenad.",
    )
    agreement = life.start_agreement(
        by=u.officer, application=app, period_start=date(2022, 1, 1), today=date(2021, 11, 22)
    )
    _fill_agreement(u.head, agreement, "Hemvården Östra")
    sn3 = _meeting(u, o.sn, date(2021, 12, 16))
    life.decide_agreement(
        by=u.chair,
        agreement=agreement,
        meeting=sn3,
        decision_text="Socialnämnden godkänner överenskommelsen om intraprenad med Hemvården Östra.",
    )
    _approve(u, sn2, date(2021, 11, 22))
    _approve(u, sn3, date(2021, 12, 20))
    life.sign_agreement(
        by=u.officer,
        agreement=agreement,
        signed_on=date(2021, 12, 21),
        board_signatory="Lena Sjö, ordförande",
        unit_signatory="Eva Ström, enhetschef",
    )
    # Renewal at the end of the period.
    _renew(u, agreement, u.officer, u.chair, "Lena Sjö, ordförande", "Eva Ström, enhetschef")
    economy.home_care_years(o, u, agreement.intraprenad)
    # A second home-care group has just sent its expression of interest.
    life.register_interest(
        by=u.officer,
        unit=o.hemvard_v,
        received_on=date(2026, 10, 12),
        contact_name="Omar Ali",
        staff_count=19,
        motivation="Gruppen vill veta mer om intraprenad och gå utbildningen.",
    )


def _renew(u, agreement, officer, chair, board_signatory: str, unit_signatory: str):
    """Renew an agreement in the autumn of its last year; the new period follows on."""
    end = agreement.period_end
    renewal = life.start_renewal(by=officer, agreement=agreement, today=end.replace(month=9, day=1))
    _fill_agreement(officer, renewal, agreement.intraprenad.name)
    meeting = _meeting(u, agreement.intraprenad.board, end.replace(month=11, day=18))
    life.decide_agreement(
        by=chair, agreement=renewal, meeting=meeting, decision_text="Nämnden förnyar överenskommelsen om intraprenad."
    )
    _approve(u, meeting, meeting.date)
    life.sign_agreement(
        by=officer,
        agreement=renewal,
        signed_on=end.replace(month=11, day=25),
        board_signatory=board_signatory,
        unit_signatory=unit_signatory,
    )
    return renewal


def _train(officer, head, intraprenad, start: date, sessions: int) -> None:
    from datetime import timedelta

    programme = life.offer_training(by=officer, intraprenad=intraprenad, today=start - timedelta(days=7))
    topics = [
        "Kartläggning av befintlig verksamhet",
        "Lagar, riktlinjer och styrdokument",
        "Verksamhetens inriktning, mål och innehåll",
        "Styrkor, svagheter och utvecklingsområden",
        "Verksamhetsidé: kvalitet, brukarinflytande och utvärdering",
        "Ekonomi och personalbudget",
        "Kompetensutveckling och dokumentation",
        "Presentation av verksamhetsidén",
    ]
    for n in range(sessions):
        session = life.add_training_session(
            by=officer, programme=programme, date=start + timedelta(weeks=n), hours=Decimal("3"), topic=topics[n]
        )
        life.record_attendance(by=officer, session=session, attendees=14 + n % 3)
    presented = start + timedelta(weeks=sessions)
    life.record_presentation(
        by=head,
        programme=programme,
        presented_on=presented,
        summary="Enheten presenterade sin verksamhetsidé för förvaltningen.",
    )
    life.complete_training(by=officer, programme=programme, today=presented)


def _fill_application(head, app, *, in_favour, total, staff, operating, revenue, one_time=Decimal("0")) -> None:
    texts = {s.key: f"{s.title}: enhetens beskrivning och åtaganden enligt riktlinjerna." for s in app.sections.all()}
    life.update_application(
        by=head, application=app, sections=texts, staff_total=total, staff_in_favour=in_favour, years_positive_result=3
    )
    lines = [
        {"kind": BudgetLine.Kind.REVENUE, "description": "Ersättning från nämnden", "amount": revenue},
        {"kind": BudgetLine.Kind.STAFF, "description": "Personalkostnader", "amount": staff},
        {"kind": BudgetLine.Kind.OPERATING, "description": "Övriga verksamhetskostnader", "amount": operating},
    ]
    if one_time:
        lines.append(
            {
                "kind": BudgetLine.Kind.ONE_TIME,
                "description": "Ramförstärkning vid uppstart (engångs)",
                "amount": one_time,
            }
        )
    life.set_budget_lines(by=head, application=app, lines=lines)


def _fill_agreement(by, agreement, unit_name: str) -> None:
    """Write every clause still empty (a renewal keeps the texts of clauses that still apply)."""
    texts = {
        c.key: c.text or f"{c.title}: så som parterna kommit överens för {unit_name}." for c in agreement.clauses.all()
    }
    life.update_agreement(
        by=by, agreement=agreement, clauses=texts, period_start=agreement.period_start, period_end=agreement.period_end
    )
