"""Headless Chromium (Debian's package) driven by Playwright against Django's live server (ADR 12)."""

import os
import pydoc
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("INTRAPRENAD_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("INTRAPRENAD_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Chromium is required for the browser tests but {CHROMIUM} is missing.")
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM} (apt-get install chromium; CI installs it)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shots():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


class JobWorker:
    """What `manage.py qcluster` does for the browser tests: takes the tasks queued in django-q2's ORM broker and
    runs each (the same function with the same arguments a worker would call) in a thread of the test process, so
    that the live server's pages see the job's progress while it runs. Started by the test when it chooses."""

    def __init__(self):
        self.threads: list[threading.Thread] = []
        self.results: list[tuple[str, object]] = []
        self.errors: list[BaseException] = []

    @staticmethod
    def queued() -> list[dict]:
        """The tasks waiting in the queue (their signed packages, opened)."""
        from django_q.models import OrmQ
        from django_q.signing import SignedPackage

        return [SignedPackage.loads(payload) for payload in OrmQ.objects.values_list("payload", flat=True)]

    def start(self) -> None:
        thread = threading.Thread(target=self._work, name="qcluster-stand-in", daemon=True)
        self.threads.append(thread)
        thread.start()

    def _work(self) -> None:
        from django.db import connections
        from django_q.brokers import get_broker
        from django_q.signing import SignedPackage

        try:
            broker = get_broker()
            for ack_id, payload in broker.dequeue() or []:
                task = SignedPackage.loads(payload)
                result = pydoc.locate(task["func"])(*task["args"], **task["kwargs"])
                broker.acknowledge(ack_id)
                self.results.append((task["func"], result))
        except BaseException as error:  # reported to the test by join()
            self.errors.append(error)
        finally:
            connections.close_all()

    def join(self, timeout: float = 120) -> list[tuple[str, object]]:
        for thread in self.threads:
            thread.join(timeout)
            assert not thread.is_alive(), f"the background job did not finish within {timeout} s"
        if self.errors:
            raise self.errors[0]
        return self.results


@pytest.fixture
def job_worker(settings, live_server):
    """A background worker for the live server's queued jobs (see JobWorker); jobs are queued, not run inline.

    The test database on SQLite is one in-memory database shared by the live server and the worker's own connection
    (SQLite's shared cache), where a reader holding a table lock makes the writer fail at once instead of waiting as
    it would on a database file. The live server therefore reads without table locks (`read_uncommitted`) while the
    worker is in use, so that its polling never breaks the job. PostgreSQL needs nothing of this.
    """
    from django.db import connection

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    shared_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if shared_memory:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = true")
    worker = JobWorker()
    yield worker
    try:
        worker.join()
    finally:
        if shared_memory:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = false")
