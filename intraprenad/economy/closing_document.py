"""The content of the decided year-end closing registered in its case (a `documents.render.DocumentContent`).

An archived municipal document, so always Swedish: the fixed texts are Swedish literals, not translated msgids.
"""

from intraprenad.documents.render import DocumentContent, Section
from intraprenad.economy.lines import LINE_ORDER
from intraprenad.economy.models import YearEndClosing
from intraprenad.economy.rules.money import format_kronor
from intraprenad.lifecycle.document_content import administration_of, municipality_name, paragraphs, person
from intraprenad.policy import parameters as P

DOC_TYPE = "Årsbokslut för intraprenad"
LINE_NAMES = {
    "revenue": "Intäkter",
    "purchases": "Köp och bidrag",
    "personnel": "Personalkostnader",
    "other": "Övriga verksamhetskostnader",
    "financial": "Finansiella poster",
}


def _kr(ore: int | None) -> str:
    return "inget tak" if ore is None else format_kronor(ore, decimals=True)


def _percent(value) -> str:
    return "–" if value is None else f"{str(value).replace('.', ',')} %"


def closing_content(closing: YearEndClosing) -> DocumentContent:
    """The decided closing: the result against budget per line, the split, the result fund and the decision."""
    intraprenad = closing.intraprenad
    administration = administration_of(intraprenad.unit)
    params = P.values(closing.revision)
    stored = closing.lines or {}
    income = tuple(
        f"{LINE_NAMES.get(line, line)}: budget {_kr(stored[line]['budget'])}, utfall {_kr(stored[line]['actual'])}, "
        f"avvikelse {_kr(stored[line]['actual'] - stored[line]['budget'])}"
        for line in LINE_ORDER
        if line in stored
    )
    result = (
        f"Omsättning (intäkter): {_kr(closing.turnover_ore)}",
        f"Budgeterat nettoresultat: {_kr(closing.budget_result_ore)}",
        f"Nettoresultat enligt utfall: {_kr(closing.actual_result_ore)}",
        f"Resultat mot budget: {_kr(closing.deviation_ore)}",
    )
    if closing.deviation_ore >= 0:
        split = (
            f"Enhetens andel av ett överskott enligt riktlinjerna: {_percent(params['surplus_share_unit'])}",
            f"Resultatfondens tak: {_kr(closing.cap_ore)}",
            f"Till enhetens resultatfond: {_kr(closing.unit_share_ore)}",
            f"Till nämnden: {_kr(closing.board_share_ore)}, varav över fondens tak {_kr(closing.capped_ore)}",
        )
    else:
        split = (
            f"Enhetens andel av ett underskott enligt riktlinjerna: {_percent(params['deficit_share_unit'])}",
            f"Enheten bär (belastar resultatfonden): {_kr(closing.unit_share_ore)}",
            f"Nämnden bär: {_kr(closing.board_share_ore)}",
            f"En åtgärdsplan krävs; balansen ska vara återställd inom {params['action_plan_deadline_months']} "
            "månader från beslutet.",
        )
    uses = closing.fund_closing_ore - closing.fund_opening_ore - closing.fund_movement_ore
    fund = (
        f"Ingående balans {closing.year}: {_kr(closing.fund_opening_ore)}",
        f"Godkänd användning under året: {_kr(uses)}",
        f"Förändring genom detta bokslut: {_kr(closing.fund_movement_ore)}",
        f"Utgående balans: {_kr(closing.fund_closing_ore)}",
    )
    sections = [
        Section("Resultat mot budget", result),
        Section("Resultaträkning per rad", income or ("Inga rader.",)),
        Section("Fördelning", split),
        Section("Resultatfond", fund),
    ]
    if closing.comment.strip():
        sections.append(Section("Kommentar", paragraphs(closing.comment)))
    if closing.decision_id:
        sections.append(Section("Beslut", paragraphs(closing.decision.decision_text)))
    meta = [
        ("Diarienummer", closing.case.case_number if closing.case_id else ""),
        ("Intraprenad", intraprenad.name),
        ("Riktlinjer", str(closing.revision)),
        ("Upprättat av", person(closing.prepared_by)),
    ]
    document_date = closing.decision.meeting.date if closing.decision_id else closing.prepared_at.date()
    return DocumentContent(
        municipality=municipality_name(),
        issuer=administration.name if administration else intraprenad.board.name,
        doc_type=DOC_TYPE,
        title=f"Årsbokslut {closing.year} – {intraprenad.name}",
        case_number=closing.case.case_number if closing.case_id else "",
        document_date=document_date,
        meta=tuple(meta),
        sections=tuple(sections),
        decision_reference=closing.decision.reference if closing.decision_id else "",
    )
