"""Gapless case numbers under concurrent registration. Row locks need a real server: PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections

from intraprenad.cases import services
from intraprenad.cases.models import Case

THREADS = 20
CASES_PER_THREAD = 5


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent row locking (SELECT ... FOR UPDATE) needs PostgreSQL; SQLite serialises all writers.",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_numbers_1_to_100_without_gaps_or_duplicates(muni):
    # given 20 officers' sessions ready to register in series SN at the same moment
    registrar = muni.users.registrar
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def register_five(thread_no: int) -> None:
        try:
            start.wait()
            for n in range(CASES_PER_THREAD):
                services.register_case(by=registrar, org_unit=muni.board, title=f"Ärende {thread_no}-{n}", year=2030)
        except BaseException as error:  # noqa: BLE001 - reported in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    # when each thread, on its own database connection, registers five cases
    threads = [threading.Thread(target=register_five, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then the 100 cases are numbered exactly 1..100
    assert errors == []
    numbers = sorted(Case.objects.filter(series="SN", year=2030).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * CASES_PER_THREAD + 1))
