"""Every URL of the web app and the API, requested by every role: who is let in and who is refused.

The world is one municipality (the root conftest's) with an intraprenad that has been through training,
application, decision and a signed agreement and now has a proposed termination, a motion referred to the
board, an adopted and a draft guideline revision, and a confidential document. Each request runs in a
savepoint that is rolled back, so a step one role is allowed to take does not change what the next sees.

Outcomes: "ok" (let in: the page, a form with errors, a redirect after the step, or a refusal of the step
itself such as "not at this stage"), "deny" (403, or 404 for an object the role may not know exists),
"login" (an anonymous visitor sent to the login page, or 401 from the API).

A new URL fails `test_every_url_is_in_the_matrix` until it is given a row here.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from conftest import build_municipality
from intraprenad.cases import services as cases
from intraprenad.cases.models import Meeting, Paragraph
from intraprenad.economy.models import Budget, EarlyWarning, Voucher
from intraprenad.economy.services import closing as closings
from intraprenad.economy.services import ledger
from intraprenad.economy.tests import test_closing_factories as closing_factories
from intraprenad.economy.tests.test_ledger_fixtures import NORR, standard_file
from intraprenad.lifecycle.models import Memo
from intraprenad.lifecycle.tests.factories import intraprenad_at, register
from intraprenad.policy import services as policy

ROLES = (
    "anonymous",
    "no_role",
    "admin",
    "registrar",
    "officer",
    "economist",
    "board_member",
    "unit_head",
    "staff",
    "evaluator",
    "other_unit_head",
    "school_officer",
)

# Role groups used in the table below.
ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
READERS = SIGNED_IN - {"no_role"}
OWN_UNIT = frozenset({"admin", "registrar", "officer", "economist", "board_member", "unit_head", "staff", "evaluator"})
OFFICERS = frozenset({"admin", "officer"})
DECIDERS = frozenset({"admin", "board_member"})


@dataclass(frozen=True)
class Row:
    method: str  # "get", "post" or "put"
    args: str  # which object(s) of the world the URL takes, see World.args
    allowed: frozenset[str]
    anon: str  # the outcome for an anonymous visitor who is not let in: "login" or "deny"


def row(method: str, args: str, *allowed: frozenset[str] | str, anon: str = "login") -> Row:
    roles: set[str] = set()
    for a in allowed:
        roles |= {a} if isinstance(a, str) else set(a)
    return Row(method, args, frozenset(roles), anon)


REGISTER_INTEREST = frozenset({"admin", "officer", "unit_head", "staff", "other_unit_head", "school_officer"})
BOARD_INITIATIVE = frozenset({"admin", "officer", "school_officer"})
UNIT_SIDE = frozenset({"admin", "officer", "unit_head"})  # the application and agreement, written jointly
OFFICER = frozenset({"admin", "officer"})
BOARD = frozenset({"admin", "board_member"})
SIGNING = frozenset({"admin", "registrar", "officer"})
REGISTERING = frozenset({"admin", "registrar", "officer", "school_officer"})  # any board's registry
CASE_KEEPERS = frozenset({"admin", "registrar", "officer"})
REGISTRAR = frozenset({"admin", "registrar"})
MINUTES = frozenset({"admin", "registrar", "board_member"})
PENDING_READERS = frozenset({"admin", "registrar", "officer", "economist", "board_member", "other_unit_head"})
CONFIDENTIAL = frozenset({"admin", "registrar", "officer", "board_member"})
# the economy
ECON_ANY = frozenset(
    {"admin", "officer", "economist", "board_member", "unit_head", "staff", "other_unit_head", "school_officer"}
)
ECON_UNIT = frozenset({"admin", "officer", "economist", "board_member", "unit_head", "staff"})
LEDGER = frozenset({"admin", "economist"})
BUDGET_EDIT = frozenset({"admin", "economist", "unit_head"})
BUDGET_ANY_UNIT = frozenset({"admin", "economist", "unit_head", "other_unit_head"})
BUDGET_APPROVE = frozenset({"admin", "economist", "board_member"})
FORECAST = frozenset({"admin", "economist", "unit_head"})
ACTION_PLAN = frozenset({"admin", "officer", "economist", "unit_head"})

# name (" POST" for a POST, "@variant" for another object): (method, object, who is let in[, anonymous outcome])
# An anonymous visitor who is not let in is sent to log in ("login"), unless the row says "deny": the object is
# not public and the page answers 404 as it does for anyone who may not see it.
MATRIX: dict[str, Row] = {
    # public pages
    "home": row("get", "", ALL),
    "case_list": row("get", "", ALL),
    "case_detail": row("get", "case", ALL),
    "meeting_list": row("get", "", ALL),
    "revision_list": row("get", "", ALL),
    "revision_detail": row("get", "revision", ALL),
    "revision_export": row("get", "revision", ALL),
    "revision_compare_choose": row("get", "revision", ALL),
    "revision_compare_choose POST": row("post", "revision", ALL),
    # an intraprenad in force is public, with its application, agreement and memos
    "intraprenad_detail": row("get", "intraprenad", ALL),
    "training_detail": row("get", "intraprenad", ALL),
    "application_detail": row("get", "application", ALL),
    "agreement_detail": row("get", "agreement", ALL),
    "agreement_download": row("get", "agreement_pdf", ALL),
    "memo_download": row("get", "memo_pdf", ALL),
    # one that is not: its unit, the administration, the board and the registrar
    "intraprenad_detail@pending": row("get", "pending", PENDING_READERS, anon="deny"),
    "intraprenad_withdraw POST@pending": row("post", "pending", "admin", "officer", "other_unit_head"),
    # signed-in staff of the organisation
    "organisation_page": row("get", "", READERS),
    "revision_compare": row("get", "compare", READERS, anon="deny"),  # a draft is not public
    "document_file": row("get", "document", CONFIDENTIAL, anon="deny"),  # a confidential document
    "meeting_detail": row("get", "meeting", MINUTES, anon="deny"),  # a planned meeting
    # the lifecycle
    "intraprenad_register_interest": row("get", "", REGISTER_INTEREST),
    "intraprenad_register_interest POST": row("post", "", REGISTER_INTEREST),
    "intraprenad_start_by_board": row("get", "", BOARD_INITIATIVE),
    "intraprenad_start_by_board POST": row("post", "", BOARD_INITIATIVE),
    "intraprenad_withdraw": row("get", "intraprenad", UNIT_SIDE),
    "intraprenad_withdraw POST": row("post", "intraprenad", UNIT_SIDE),
    "training_offer POST": row("post", "intraprenad", OFFICER),
    "training_session_add POST": row("post", "intraprenad", OFFICER),
    "training_session_attendance POST": row("post", "session", OFFICER),
    "training_presentation POST": row("post", "intraprenad", UNIT_SIDE),
    "training_complete POST": row("post", "intraprenad", OFFICER),
    "application_start POST": row("post", "intraprenad", UNIT_SIDE),
    "application_edit": row("get", "application", UNIT_SIDE),
    "application_edit POST": row("post", "application", UNIT_SIDE),
    "application_budget POST": row("post", "application", UNIT_SIDE),
    "application_submit POST": row("post", "application", UNIT_SIDE),
    "application_prepare": row("get", "application", OFFICER),
    "application_prepare POST": row("post", "application", OFFICER),
    "application_decide": row("get", "application", BOARD),
    "application_decide POST": row("post", "application", BOARD),
    "agreement_start": row("get", "application", UNIT_SIDE),
    "agreement_start POST": row("post", "application", UNIT_SIDE),
    "agreement_edit": row("get", "agreement", UNIT_SIDE),
    "agreement_edit POST": row("post", "agreement", UNIT_SIDE),
    "agreement_decide": row("get", "agreement", BOARD),
    "agreement_decide POST": row("post", "agreement", BOARD),
    "agreement_sign": row("get", "agreement", SIGNING),
    "agreement_sign POST": row("post", "agreement", SIGNING),
    "agreement_renew POST": row("post", "agreement", UNIT_SIDE),
    "termination_propose": row("get", "intraprenad", OFFICER),
    "termination_propose POST": row("post", "intraprenad", OFFICER),
    "termination_memo": row("get", "termination", OFFICER),
    "termination_memo POST": row("post", "termination", OFFICER),
    "termination_decide": row("get", "termination", BOARD),
    "termination_decide POST": row("post", "termination", BOARD),
    # the case register and the meetings
    "case_register": row("get", "", REGISTERING),
    "case_register POST": row("post", "", REGISTERING),
    "motion_register": row("get", "", REGISTERING),
    "motion_register POST": row("post", "", REGISTERING),
    "case_close POST": row("post", "case", CASE_KEEPERS),
    "document_register": row("get", "case", CASE_KEEPERS),
    "document_register POST": row("post", "case", CASE_KEEPERS),
    "document_correct": row("get", "document", CASE_KEEPERS),
    "document_correct POST": row("post", "document", CASE_KEEPERS),
    "case_refer": row("get", "motion_case", MINUTES),
    "case_refer POST": row("post", "motion_case", MINUTES),
    "motion_link_paragraph": row("get", "motion_case", REGISTRAR),
    "motion_link_paragraph POST": row("post", "motion_case", REGISTRAR),
    "referral_answer": row("get", "referral", MINUTES),
    "referral_answer POST": row("post", "referral", MINUTES),
    "meeting_create": row("get", "", REGISTRAR),
    "meeting_create POST": row("post", "", REGISTRAR),
    "meeting_hold POST": row("post", "meeting", REGISTRAR),
    "meeting_approve": row("get", "meeting", REGISTRAR),
    "meeting_approve POST": row("post", "meeting", REGISTRAR),
    "paragraph_record": row("get", "meeting", MINUTES),
    "paragraph_record POST": row("post", "meeting", MINUTES),
    # guidelines
    "revision_import": row("get", "", BOARD_INITIATIVE),
    "revision_import POST": row("post", "", BOARD_INITIATIVE),
    "revision_edit": row("get", "draft", OFFICER),
    "revision_edit POST": row("post", "draft", OFFICER),
    "revision_draft POST": row("post", "revision", OFFICER),
    "revision_adopt": row("get", "draft", MINUTES),
    "revision_adopt POST": row("post", "draft", MINUTES),
    # the economy: ledger
    "economy_ledger": row("get", "", LEDGER),
    "economy_ledger POST": row("post", "", LEDGER),
    "economy_import_detail": row("get", "ledger_import", LEDGER),
    "economy_import_status": row("get", "ledger_import", LEDGER),
    "economy_ledger_template": row("get", "csv", LEDGER),
    "economy_mapping": row("get", "", LEDGER),
    "economy_mapping_dimension POST": row("post", "", LEDGER),
    "economy_mapping_rules POST": row("post", "", LEDGER),
    "economy_mapping_unit": row("get", "", LEDGER),
    "economy_mapping_unit POST": row("post", "", LEDGER),
    "economy_drilldown": row("get", "drilldown", ECON_UNIT),
    "economy_voucher": row("get", "voucher", ECON_UNIT),
    # budgets
    "economy_budgets": row("get", "result_unit", ECON_UNIT),
    "economy_budget_create POST": row("post", "result_unit", BUDGET_EDIT),
    "economy_budget_detail": row("get", "budget", ECON_UNIT),
    "economy_budget_update POST": row("post", "budget_draft", BUDGET_EDIT),
    "economy_budget_approve POST": row("post", "budget_draft", BUDGET_APPROVE),
    "economy_budget_new_version POST": row("post", "budget", BUDGET_EDIT),
    "economy_budget_delete POST": row("post", "budget_draft", BUDGET_EDIT),
    "economy_index": row("get", "", ECON_ANY),
    "economy_index POST": row("post", "", LEDGER),
    "economy_budget_import": row("get", "", BUDGET_ANY_UNIT),
    "economy_budget_import POST": row("post", "", BUDGET_ANY_UNIT),
    "economy_budget_template": row("get", "csv", BUDGET_ANY_UNIT),
    # follow-up
    "economy_overview": row("get", "", ECON_ANY),
    "economy_overview_export": row("get", "xlsx", ECON_ANY),
    "economy_unit": row("get", "result_unit", ECON_UNIT),
    "economy_unit_export": row("get", "result_unit_xlsx", ECON_UNIT),
    "economy_forecast POST": row("post", "result_unit", FORECAST),
    "economy_warnings": row("get", "", ECON_ANY),
    "economy_warning_acknowledge POST": row("post", "warning", FORECAST),
    # year-end closing, the result fund and action plans
    "economy_closings": row("get", "", ECON_ANY),
    "economy_closing_prepare POST": row("post", "", LEDGER),
    "economy_closing_detail": row("get", "closing_draft", ECON_UNIT),
    "economy_closing_decide": row("get", "closing_draft", BOARD),
    "economy_closing_decide POST": row("post", "closing_draft", BOARD),
    "economy_closing_reopen": row("get", "closing", BOARD),
    "economy_closing_reopen POST": row("post", "closing", BOARD),
    "economy_fund": row("get", "result_unit", ECON_UNIT),
    "economy_fund_use POST": row("post", "result_unit", BOARD),
    "economy_action_plan": row("get", "action_plan", ECON_UNIT),
    "economy_action_plan_update POST": row("post", "action_plan", ACTION_PLAN),
    "economy_action_measure_add POST": row("post", "action_plan", ACTION_PLAN),
    "economy_action_follow_up_add POST": row("post", "action_plan", ACTION_PLAN),
    "economy_action_plan_restore POST": row("post", "action_plan", ACTION_PLAN),
    "economy_action_measure_update POST": row("post", "measure", ACTION_PLAN),
    # the API: the same rules
    "api_openapi": row("get", "", ALL),
    "api_orgunit_list": row("get", "", READERS),
    "api_orgunit_detail": row("get", "unit", READERS),
    "api_revision_list": row("get", "", ALL),
    "api_revision_detail": row("get", "revision", ALL),
    "api_revision_import POST": row("post", "", BOARD_INITIATIVE),
    "api_case_list": row("get", "", ALL),
    "api_case_list POST": row("post", "", REGISTERING),
    "api_case_detail": row("get", "case", ALL),
    "api_document_register POST": row("post", "case", CASE_KEEPERS),
    "api_meeting_list": row("get", "", ALL),
    "api_meeting_detail": row("get", "meeting", MINUTES, anon="deny"),
    "api_paragraph_list": row("get", "", ALL),
    "api_paragraph_detail": row("get", "paragraph", ALL),  # in approved minutes
    "api_paragraph_detail@unapproved": row("get", "decision", MINUTES, anon="deny"),
    "api_intraprenad_list": row("get", "", ALL),
    "api_intraprenad_list POST": row("post", "", REGISTER_INTEREST),
    "api_intraprenad_detail": row("get", "intraprenad", ALL),
    "api_intraprenad_detail@pending": row("get", "pending", PENDING_READERS, anon="deny"),
    "api_intraprenad_start_by_board POST": row("post", "", BOARD_INITIATIVE),
    "api_intraprenad_withdraw POST": row("post", "intraprenad", UNIT_SIDE),
    "api_intraprenad_withdraw POST@pending": row("post", "pending", "admin", "officer", "other_unit_head"),
    "api_training_offer POST": row("post", "intraprenad", OFFICER),
    "api_trainingsession_add POST": row("post", "intraprenad", OFFICER),
    "api_trainingsession_attendance POST": row("post", "session_api", OFFICER),
    "api_training_presentation POST": row("post", "intraprenad", UNIT_SIDE),
    "api_training_complete POST": row("post", "intraprenad", OFFICER),
    "api_application_start POST": row("post", "intraprenad", UNIT_SIDE),
    "api_application_update POST": row("post", "application", UNIT_SIDE),
    "api_application_budget POST": row("post", "application", UNIT_SIDE),
    "api_application_submit POST": row("post", "application", UNIT_SIDE),
    "api_application_prepare POST": row("post", "application", OFFICER),
    "api_application_decide POST": row("post", "application", BOARD),
    "api_agreement_start POST": row("post", "application", UNIT_SIDE),
    "api_agreement_update POST": row("post", "agreement", UNIT_SIDE),
    "api_agreement_decide POST": row("post", "agreement", BOARD),
    "api_agreement_sign POST": row("post", "agreement", SIGNING),
    "api_agreement_renew POST": row("post", "agreement", UNIT_SIDE),
    "api_termination_propose POST": row("post", "intraprenad", OFFICER),
    "api_termination_memo POST": row("post", "termination", OFFICER),
    "api_termination_decide POST": row("post", "termination", BOARD),
    "api_economy_import_list": row("get", "", LEDGER),
    "api_economy_import_list POST": row("post", "", LEDGER),
    "api_economy_import_detail": row("get", "ledger_import", LEDGER),
    "api_economy_result_unit_list": row("get", "", ECON_ANY),
    "api_economy_account_rules": row("get", "", ECON_ANY),
    "api_economy_account_rules PUT": row("put", "", LEDGER),
    "api_economy_drilldown": row("get", "drilldown", ECON_UNIT),
    "api_economy_voucher": row("get", "voucher", ECON_UNIT),
    "api_economy_budget_list": row("get", "", ECON_ANY),
    "api_economy_budget_list POST": row("post", "", BUDGET_ANY_UNIT),
    "api_economy_budget_detail": row("get", "budget", ECON_UNIT),
    "api_economy_budget_from_previous POST": row("post", "", BUDGET_ANY_UNIT),
    "api_economy_budget_update POST": row("post", "budget_draft", BUDGET_EDIT),
    "api_economy_budget_approve POST": row("post", "budget_draft", BUDGET_APPROVE),
    "api_economy_budget_new_version POST": row("post", "budget", BUDGET_EDIT),
    "api_economy_budget_delete POST": row("post", "budget_draft", BUDGET_EDIT),
    "api_economy_budget_index_list": row("get", "", ECON_ANY),
    "api_economy_budget_index_list POST": row("post", "", LEDGER),
    "api_economy_overview": row("get", "", ECON_ANY),
    "api_economy_unit_followup": row("get", "result_unit", ECON_UNIT),
    "api_economy_forecast_create POST": row("post", "result_unit", FORECAST),
    "api_economy_warnings": row("get", "", ECON_ANY),
    "api_economy_warning_acknowledge POST": row("post", "warning", FORECAST),
    "api_economy_closing_list": row("get", "", ECON_ANY),
    "api_economy_closing_list POST": row("post", "", LEDGER),
    "api_economy_closing_detail": row("get", "closing_draft", ECON_UNIT),
    "api_economy_closing_decide POST": row("post", "closing_draft", BOARD),
    "api_economy_closing_reopen POST": row("post", "closing", BOARD),
    "api_economy_fund": row("get", "result_unit", ECON_UNIT),
    "api_economy_fund_use POST": row("post", "result_unit", BOARD),
    "api_economy_action_plan_list": row("get", "", ECON_ANY),
    "api_economy_action_plan_detail": row("get", "action_plan", ECON_UNIT),
    "api_economy_action_plan_summary POST": row("post", "action_plan", ACTION_PLAN),
    "api_economy_action_measure_add POST": row("post", "action_plan", ACTION_PLAN),
    "api_economy_action_follow_up_add POST": row("post", "action_plan", ACTION_PLAN),
    "api_economy_action_plan_restored POST": row("post", "action_plan", ACTION_PLAN),
    "api_economy_action_measure_status POST": row("post", "plan_measure", ACTION_PLAN),
}


class World:
    """The objects every URL is requested against."""

    def __init__(self):
        muni = build_municipality()
        self.muni = muni
        u = muni.users
        self.intraprenad = intraprenad_at("termination_proposed", muni)
        self.pending = register(muni, unit=muni.other_unit)
        self.application = self.intraprenad.applications.first()
        self.agreement = self.intraprenad.agreements.first()
        self.termination = self.intraprenad.terminations.first()
        self.session = self.intraprenad.training.sessions.first()
        self.memo = Memo.objects.filter(case=self.application.case).first()
        self.case = self.application.case
        self.document = cases.register_document(
            by=u.registrar,
            case=self.case,
            kind="letter",
            direction="in",
            description="Läkarintyg för medarbetare",
            document_date=date(2021, 5, 3),
            counterpart="Vårdcentralen",
            is_confidential=True,
            public_description="Handling som omfattas av sekretess",
            file_name="intyg.pdf",
            content=b"%PDF-1.4 confidential",
        )
        self.meeting = Meeting.objects.filter(body=muni.board).order_by("date").first()
        self.revision = self.application.revision
        self.draft = policy.create_draft_from(by=u.officer, revision=self.revision)
        motion = cases.register_motion(
            by=u.registrar,
            council=muni.kf,
            title="Motion om intraprenader",
            movers="Anna Andersson (S)",
            filed_on=date(2023, 4, 4),
            text="Utred intraprenader.",
        )
        ksau = cases.create_meeting(by=u.registrar, body=muni.ksau, date=date(2023, 5, 8))
        refer = cases.record_paragraph(
            by=u.registrar,
            meeting=ksau,
            case=motion.case,
            title="Remiss av motion",
            outcome=Paragraph.Outcome.REFER,
            decision_text="Motionen remitteras till Socialnämnden.",
        )
        cases.hold_meeting(by=u.registrar, meeting=ksau)
        cases.approve_minutes(by=u.registrar, meeting=ksau, approved_on=date(2023, 5, 10), adjusters="Anna Andersson")
        self.motion_case = motion.case
        (self.referral,) = cases.refer_case(by=u.registrar, case=motion.case, decision=refer, to_bodies=[muni.board])
        self.paragraph = refer
        self._economy(muni)

    def _economy(self, muni):
        """The unit's economy: a ledger import, budgets, a decided deficit year with its action plan, a draft."""
        u = muni.users
        self.result_unit = ledger.set_result_unit(by=u.admin, org_unit=muni.unit, is_comparison=False, objects=[NORR])
        self.ledger_import = ledger.import_ledger(by=u.economist, data=standard_file(), file_name="huvudbok.se")
        self.voucher = Voucher.objects.filter(ledger_import=self.ledger_import).first()
        agreement = self.intraprenad.agreements.first()
        closing_world = SimpleNamespace(
            muni=muni, intraprenad=self.intraprenad, result_unit=self.result_unit, revision=agreement.revision
        )
        self.closing = closing_factories.decided(closing_world, 2022, result=-closing_factories.MSEK)
        self.action_plan = self.closing.action_plan
        self.measure = closings.add_measure(
            by=u.unit_head,
            plan=self.action_plan,
            description="Se över bemanningen.",
            owner="Enhetschefen",
            due_on=date(2023, 6, 1),
        )
        self.closing_draft = closing_factories.prepared(closing_world, 2023, result=closing_factories.MSEK)
        annual = {"revenue": closing_factories.REVENUE, "personnel": -closing_factories.REVENUE}
        self.budget = closing_factories.budget_for(self.result_unit, 2025, annual)
        self.budget_draft = closing_factories.budget_for(self.result_unit, 2026, annual, status=Budget.Status.DRAFT)
        self.warning = EarlyWarning.objects.create(
            result_unit=self.result_unit,
            year=2025,
            month=2,
            method="run_rate",
            forecast_ore=-closing_factories.MSEK,
            threshold_ore=1000,
            created_at=timezone.now(),
        )

    def args(self, kind: str) -> list:
        return {
            "": [],
            "intraprenad": [self.intraprenad.pk],
            "pending": [self.pending.pk],
            "session": [self.session.pk],
            "application": [self.application.pk],
            "agreement": [self.agreement.pk],
            "agreement_pdf": [self.agreement.pk, "pdf"],
            "termination": [self.termination.pk],
            "memo_pdf": [self.memo.pk, "pdf"],
            "case": [self.case.pk],
            "motion_case": [self.motion_case.pk],
            "document": [self.case.pk, self.document.serial],
            "referral": [self.referral.pk],
            "meeting": [self.meeting.pk],
            "revision": [self.revision.pk],
            "draft": [self.draft.pk],
            "compare": [self.draft.pk, self.revision.pk],
            "unit": [self.muni.unit.pk],
            "paragraph": [self.paragraph.pk],
            "decision": [self.application.decision_id],
            "session_api": [self.intraprenad.pk, self.session.pk],
            "ledger_import": [self.ledger_import.pk],
            "voucher": [self.voucher.pk],
            "drilldown": [],
            "csv": ["csv"],
            "xlsx": ["xlsx"],
            "result_unit": [self.result_unit.pk],
            "result_unit_xlsx": [self.result_unit.pk, "xlsx"],
            "budget": [self.budget.pk],
            "budget_draft": [self.budget_draft.pk],
            "warning": [self.warning.pk],
            "closing": [self.closing.pk],
            "closing_draft": [self.closing_draft.pk],
            "action_plan": [self.action_plan.pk],
            "measure": [self.measure.pk],
            "plan_measure": [self.action_plan.pk, self.measure.pk],
        }[kind]

    def query(self, kind: str) -> str:
        """The query string some URLs need (the drill-down from a figure names the unit and the year)."""
        return f"?unit={self.result_unit.pk}&year=2025" if kind == "drilldown" else ""


def url_name(key: str) -> str:
    """The URL name of a matrix key: "name", "name POST", or either with "@variant"."""
    return key.split("@")[0].removesuffix(" POST").removesuffix(" PUT")


def url_names() -> set[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), p.name

    skipped = ("admin/", "i18n/")
    return {name for path, name in walk(get_resolver().url_patterns) if not path.startswith(skipped)}


def outcome(response) -> str:
    status = response.status_code
    if status in (403, 404):
        return "deny"
    if status == 401:
        return "login"
    if status == 302 and reverse("login") in response["Location"]:
        return "login"
    if status == 405:
        raise AssertionError(f"wrong method in the matrix: {response.request['PATH_INFO']}")
    if status >= 500:
        raise AssertionError(f"server error: {response.request['PATH_INFO']}")
    return "ok"


def expected(row_: Row, role: str) -> str:
    if role in row_.allowed:
        return "ok"
    return row_.anon if role == "anonymous" else "deny"


class PermissionMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = World()

    def client_for(self, role: str, api: bool) -> Client:
        client = Client()
        if role == "anonymous":
            return client
        user = getattr(self.world.muni.users, role)
        if api:
            token, _ = Token.objects.get_or_create(user=user)
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        else:
            client.force_login(user)
        return client

    def actual(self, role: str) -> dict[str, str]:
        result = {}
        clients = {api: self.client_for(role, api) for api in (False, True)}
        for name, r in sorted(MATRIX.items()):
            api = name.startswith("api_")
            url = reverse(url_name(name), args=self.world.args(r.args)) + self.world.query(r.args)
            with transaction.atomic():
                response = getattr(clients[api], r.method)(url)
                transaction.set_rollback(True)
            result[name] = outcome(response)
        return result

    def check(self, role: str):
        got = self.actual(role)
        want = {name: expected(r, role) for name, r in MATRIX.items()}
        wrong = {name: f"{got[name]} (expected {want[name]})" for name in MATRIX if got[name] != want[name]}
        assert not wrong, f"{role}: " + ", ".join(f"{n}: {w}" for n, w in sorted(wrong.items()))


def test_every_url_is_in_the_matrix():
    covered = {url_name(key) for key in MATRIX}
    missing = url_names() - covered - {"set_language", "login", "logout"}
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"


for _role in ROLES:
    setattr(PermissionMatrix, f"test_{_role}", lambda self, role=_role: self.check(role))
