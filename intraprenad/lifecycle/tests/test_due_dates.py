"""The daily job that applies the lifecycle's dates: its schedule, its command, and what the intraprenad page shows
while a decided termination waits for its day. The rules are in test_rules.py, the service in test_services.py."""

from datetime import date
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_q.models import Schedule

from intraprenad.lifecycle import tasks
from intraprenad.lifecycle.models import Agreement, Intraprenad
from intraprenad.lifecycle.tests.factories import DAYS, intraprenad_at


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run(*args) -> str:
    out = StringIO()
    call_command("apply_lifecycle_dates", *args, stdout=out)
    return out.getvalue()


def test_the_daily_job_is_scheduled_on_the_workers_and_runs(muni):
    # given the migration's step (a test that flushes the database also removes what migrations wrote)
    migration = import_module("intraprenad.lifecycle.migrations.0003_schedule_lifecycle_dates")
    Schedule.objects.filter(func=migration.FUNC).delete()
    # when it runs twice
    migration.schedule(apps, None)
    migration.schedule(apps, None)
    # then there is one daily schedule, which the reverse step removes, and the task runs the service
    schedule = Schedule.objects.get(func="intraprenad.lifecycle.tasks.apply_due_dates")
    assert schedule.schedule_type == Schedule.DAILY
    assert tasks.apply_due_dates() == 0  # nothing due in an empty municipality
    migration.unschedule(apps, None)
    assert not Schedule.objects.filter(func=migration.FUNC).exists()


def test_the_command_ends_a_decided_termination_on_its_day_and_says_so_in_swedish(muni):
    # given a termination decided with effect from 2023-01-01
    intraprenad = intraprenad_at("termination_decided", muni)
    case = intraprenad.terminations.get().case.case_number
    # when the command runs as of that day, twice
    first = run("--today", DAYS.termination_effective.isoformat())
    second = run("--today", DAYS.termination_effective.isoformat())
    # then it ends the intraprenad once and reports it
    assert first.splitlines() == [
        f"Upphört: Hemvården Norr – nämndens beslut om upphävande (ärende {case}) trädde i kraft 2023-01-01.",
        "1 intraprenad upphörde.",
    ]
    assert second.splitlines() == ["0 intraprenader upphörde."]
    assert Intraprenad.objects.get(pk=intraprenad.pk).status == Intraprenad.Status.ENDED


def test_the_command_reports_a_period_ended_while_the_renewal_is_not_signed(muni):
    # given an agreement (2022–2024) whose renewal is decided but not signed
    intraprenad_at("renewal_decided", muni)
    # when the command runs after the period
    out = run("--today", "2025-01-02")
    # then the agreement is held and the officer is told to check it
    assert out.splitlines() == [
        "Kontrollera: Hemvården Norr – avtalsperioden slutade 2024-12-31 men förnyelsen är inte undertecknad "
        "(Beslutad av nämnden); överenskommelsen gäller tills vidare.",
        "0 intraprenader upphörde.",
    ]


def test_the_command_expires_an_agreement_not_renewed(muni):
    # given an agreement (2022–2024) never renewed
    intraprenad = intraprenad_at("active", muni)
    # when the command runs after the period
    out = run("--today", "2025-01-02")
    # then the agreement has expired and the intraprenad ended the day after the period
    assert out.splitlines() == [
        "Upphört: Hemvården Norr – avtalsperioden slutade 2024-12-31 utan förnyelse; överenskommelsen har löpt ut.",
        "1 intraprenad upphörde.",
    ]
    intraprenad.refresh_from_db()
    assert (intraprenad.status, intraprenad.ended_on) == (Intraprenad.Status.ENDED, date(2025, 1, 1))
    assert intraprenad.agreements.get().status == Agreement.Status.EXPIRED


@pytest.mark.parametrize("day", ["2025-13-01", "2999-01-01"])
def test_the_command_refuses_a_bad_or_future_day(muni, day):
    with pytest.raises(CommandError):
        run("--today", day)


def test_the_intraprenad_page_shows_a_decided_termination_waiting_for_its_day(client, muni):
    # given a termination decided with effect from 2023-01-01, seen by the officer
    intraprenad = intraprenad_at("termination_decided", muni)
    case = intraprenad.terminations.get().case.case_number
    client.force_login(muni.users.officer)
    # when the officer opens the intraprenad page
    response = client.get(reverse("intraprenad_detail", args=[intraprenad.pk]))
    # then it says the board has decided to end it from that day, and offers no renewal or new termination
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Nämnden har beslutat att intraprenaden upphör från och med 2023-01-01 (ärende {case})" in text
    assert "Nämnden beslutade att intraprenaden upphör från och med 2023-01-01" in text  # the timeline
    assert reverse("termination_propose", args=[intraprenad.pk]) not in text
    assert not [a for a in response.context["actions"] if "fornya" in a["url"]]


def test_the_timeline_shows_the_day_an_expired_agreement_ended_the_intraprenad(client, muni):
    # given an agreement that expired at the end of 2024
    intraprenad = intraprenad_at("active", muni)
    call_command("apply_lifecycle_dates", "--today", "2025-01-01", stdout=StringIO())
    client.force_login(muni.users.officer)
    # when the page is opened
    text = client.get(reverse("intraprenad_detail", args=[intraprenad.pk])).content.decode()
    # then the timeline has the expiry on 2025-01-01
    assert "Avtalsperioden löpte ut utan förnyelse: intraprenaden upphörde" in text
    assert '<time datetime="2025-01-01">' in text
