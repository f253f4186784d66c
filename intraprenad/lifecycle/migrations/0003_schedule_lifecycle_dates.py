"""The daily job that applies the lifecycle's dates runs on the background workers (ADR 17)."""

from django.db import migrations

FUNC = "intraprenad.lifecycle.tasks.apply_due_dates"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={"name": "Upphävanden och avtalsperioder som löper ut", "schedule_type": "D", "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0002_agreement_cancelled"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
