from django.db import models


class Counter(models.Model):
    """A gapless number sequence per key and year (case numbers, paragraph numbers).

    Only `intraprenad.core.sequences.next_number` changes a counter, under a row lock.
    """

    key = models.CharField(max_length=60)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "year"], name="counter_unique_key_year"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.value}"
