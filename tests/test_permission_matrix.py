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

from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from conftest import build_municipality
from intraprenad.cases import services as cases
from intraprenad.cases.models import Meeting, Paragraph
from intraprenad.lifecycle.models import Memo
from intraprenad.lifecycle.tests.factories import intraprenad_at
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
    method: str  # "get" or "post"
    args: str  # which object(s) of the world the URL takes, see World.args
    allowed: frozenset[str]


def row(method: str, args: str, *allowed: frozenset[str] | str) -> Row:
    roles: set[str] = set()
    for a in allowed:
        roles |= {a} if isinstance(a, str) else set(a)
    return Row(method, args, frozenset(roles))


MATRIX: dict[str, Row] = {}

GET_ONLY = {
    "home": "",
    "organisation_page": "",
    "case_list": "",
    "meeting_list": "",
    "revision_list": "",
    "intraprenad_detail": "intraprenad",
    "training_detail": "intraprenad",
    "application_detail": "application",
    "agreement_detail": "agreement",
    "agreement_download": "agreement_pdf",
    "memo_download": "memo_pdf",
    "case_detail": "case",
    "document_file": "document",
    "meeting_detail": "meeting",
    "revision_detail": "revision",
    "revision_export": "revision",
    "revision_compare": "compare",
    "api_openapi": "",
    "api_orgunit_list": "",
    "api_orgunit_detail": "unit",
    "api_revision_list": "",
    "api_revision_detail": "revision",
    "api_case_detail": "case",
    "api_meeting_list": "",
    "api_meeting_detail": "meeting",
    "api_paragraph_list": "",
    "api_paragraph_detail": "paragraph",
    "api_intraprenad_detail": "intraprenad",
}
POST_ONLY = {
    "training_offer": "intraprenad",
    "training_session_add": "intraprenad",
    "training_session_attendance": "session",
    "training_presentation": "intraprenad",
    "training_complete": "intraprenad",
    "application_start": "intraprenad",
    "application_budget": "application",
    "application_submit": "application",
    "agreement_renew": "agreement",
    "case_close": "case",
    "meeting_hold": "meeting",
    "revision_draft": "revision",
    "api_revision_import": "",
    "api_document_register": "case",
    "api_intraprenad_start_by_board": "",
    "api_intraprenad_withdraw": "intraprenad",
    "api_training_offer": "intraprenad",
    "api_trainingsession_add": "intraprenad",
    "api_trainingsession_attendance": "session_api",
    "api_training_presentation": "intraprenad",
    "api_training_complete": "intraprenad",
    "api_application_start": "intraprenad",
    "api_termination_propose": "intraprenad",
    "api_application_update": "application",
    "api_application_budget": "application",
    "api_application_submit": "application",
    "api_application_prepare": "application",
    "api_application_decide": "application",
    "api_agreement_start": "application",
    "api_agreement_update": "agreement",
    "api_agreement_decide": "agreement",
    "api_agreement_sign": "agreement",
    "api_agreement_renew": "agreement",
    "api_termination_memo": "termination",
    "api_termination_decide": "termination",
}
BOTH = {
    "intraprenad_register_interest": "",
    "intraprenad_start_by_board": "",
    "intraprenad_withdraw": "intraprenad",
    "application_edit": "application",
    "application_prepare": "application",
    "application_decide": "application",
    "agreement_start": "application",
    "agreement_edit": "agreement",
    "agreement_decide": "agreement",
    "agreement_sign": "agreement",
    "termination_propose": "intraprenad",
    "termination_memo": "termination",
    "termination_decide": "termination",
    "case_register": "",
    "motion_register": "",
    "case_refer": "motion_case",
    "motion_link_paragraph": "motion_case",
    "document_register": "case",
    "document_correct": "document",
    "referral_answer": "referral",
    "meeting_create": "",
    "meeting_approve": "meeting",
    "paragraph_record": "meeting",
    "revision_import": "",
    "revision_edit": "draft",
    "revision_adopt": "draft",
    "revision_compare_choose": "revision",
    "api_case_list": "",
    "api_intraprenad_list": "",
}
for name, a in GET_ONLY.items():
    MATRIX[name] = row("get", a)
for name, a in POST_ONLY.items():
    MATRIX[name + " POST"] = row("post", a)
for name, a in BOTH.items():
    MATRIX[name] = row("get", a)
    MATRIX[name + " POST"] = row("post", a)


class World:
    """The objects every URL is requested against."""

    def __init__(self):
        muni = build_municipality()
        self.muni = muni
        u = muni.users
        self.intraprenad = intraprenad_at("termination_proposed", muni)
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
        self.motion_case = motion.case
        (self.referral,) = cases.refer_case(by=u.registrar, case=motion.case, decision=refer, to_bodies=[muni.board])
        self.paragraph = refer

    def args(self, kind: str) -> list:
        return {
            "": [],
            "intraprenad": [self.intraprenad.pk],
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
            "session_api": [self.intraprenad.pk, self.session.pk],
        }[kind]


def url_names() -> set[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), p.name

    skipped = ("admin/", "i18n/")
    return {name for path, name in walk(get_resolver().url_patterns) if not path.startswith(skipped)}


def outcome(response, *, api: bool) -> str:
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


def expected(row_: Row, role: str, api: bool) -> str:
    if role in row_.allowed:
        return "ok"
    return "login" if role == "anonymous" and not api else "deny" if role != "anonymous" else "login"


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
            url = reverse(name.removesuffix(" POST"), args=self.world.args(r.args))
            with transaction.atomic():
                response = getattr(clients[api], r.method)(url)
                transaction.set_rollback(True)
            result[name] = outcome(response, api=api)
        return result

    def check(self, role: str):
        got = self.actual(role)
        want = {name: expected(r, role, name.startswith("api_")) for name, r in MATRIX.items()}
        wrong = {name: f"{got[name]} (expected {want[name]})" for name in MATRIX if got[name] != want[name]}
        assert not wrong, f"{role}: " + ", ".join(f"{n}: {w}" for n, w in sorted(wrong.items()))


def test_every_url_is_in_the_matrix():
    covered = {key.removesuffix(" POST") for key in MATRIX}
    missing = url_names() - covered - {"set_language", "login", "logout"}
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"


class Probe(PermissionMatrix):
    def test_probe(self):
        table = {}
        for role in ROLES:
            for name, got in self.actual(role).items():
                table.setdefault(name, {}).setdefault(got, []).append(role)
        for name in sorted(table):
            print(f"{name:45} ok={','.join(table[name].get('ok', []))}  deny={','.join(table[name].get('deny', []))}")
