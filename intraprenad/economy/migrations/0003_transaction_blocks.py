"""Transactions in blocks by object and month (ADR 20).

The schema: the index on (object, period) and the one on the import give way to `TransactionBlock`, one row per
import, object and month holding the range of ids of its transactions, and `Transaction.position` keeps the order
of the rows in the file. Rows imported before this migration are written again in the new order (object, period,
file order) with new consecutive ids, and their blocks are recorded.
"""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models
from django.db.models import Max

ROW_FIELDS = (
    "ledger_import_id",
    "voucher_id",
    "account",
    "object_id",
    "object_list",
    "period",
    "amount_ore",
    "trans_date",
    "text",
)
BATCH = 10_000


def blocks_for_stored_rows(apps, schema_editor):
    Transaction = apps.get_model("economy", "Transaction")
    TransactionBlock = apps.get_model("economy", "TransactionBlock")
    LedgerImport = apps.get_model("economy", "LedgerImport")
    db = schema_editor.connection.alias
    rows_of = Transaction.objects.using(db)
    for pk in LedgerImport.objects.using(db).order_by("pk").values_list("pk", flat=True):
        old_ids = list(rows_of.filter(ledger_import_id=pk).order_by("id").values_list("id", flat=True))
        if not old_ids:
            continue
        last_old = old_ids[-1]
        position = {old_id: number for number, old_id in enumerate(old_ids)}
        next_id = (rows_of.aggregate(top=Max("id"))["top"] or 0) + 1
        blocks: dict[tuple[str, int], list[int]] = {}
        batch = []
        old = rows_of.filter(ledger_import_id=pk, id__lte=last_old).order_by("object_id", "period", "id")
        for row in old.values("id", *ROW_FIELDS).iterator(chunk_size=BATCH):
            blocks.setdefault((row["object_id"], row["period"]), [next_id, next_id])[1] = next_id
            batch.append(Transaction(id=next_id, position=position[row.pop("id")], **row))
            next_id += 1
            if len(batch) == BATCH:
                rows_of.bulk_create(batch)
                batch = []
        rows_of.bulk_create(batch)
        rows_of.filter(ledger_import_id=pk, id__lte=last_old).delete()
        TransactionBlock.objects.using(db).bulk_create(
            TransactionBlock(ledger_import_id=pk, object_id=obj, period=period, first_id=first, last_id=last)
            for (obj, period), (first, last) in blocks.items()
        )
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Transaction]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0002_schedule_action_plan_review"),
    ]

    operations = [
        migrations.CreateModel(
            name="TransactionBlock",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.CharField(blank=True, max_length=40, verbose_name="object")),
                ("period", models.PositiveIntegerField(verbose_name="period")),
                ("first_id", models.BigIntegerField(verbose_name="first transaction id")),
                ("last_id", models.BigIntegerField(verbose_name="last transaction id")),
            ],
            options={
                "verbose_name": "block of transactions",
                "verbose_name_plural": "blocks of transactions",
            },
        ),
        migrations.RemoveIndex(
            model_name="transaction",
            name="trans_object_period",
        ),
        migrations.AddField(
            model_name="transaction",
            name="position",
            field=models.PositiveIntegerField(default=0, verbose_name="row in the file"),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="ledger_import",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="economy.ledgerimport",
            ),
        ),
        migrations.AddField(
            model_name="transactionblock",
            name="ledger_import",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="blocks", to="economy.ledgerimport"
            ),
        ),
        migrations.AddIndex(
            model_name="transactionblock",
            index=models.Index(fields=["object_id", "period"], name="block_object_period"),
        ),
        migrations.AddConstraint(
            model_name="transactionblock",
            constraint=models.UniqueConstraint(
                fields=("ledger_import", "object_id", "period"), name="transactionblock_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="transactionblock",
            constraint=models.CheckConstraint(
                condition=models.Q(("first_id__lte", models.F("last_id"))), name="transactionblock_range"
            ),
        ),
        migrations.RunPython(blocks_for_stored_rows, migrations.RunPython.noop),
    ]
