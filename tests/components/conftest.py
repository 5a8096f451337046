import asyncio

import pulumi
import pytest

from tests.components.harness import RecordingMonitor, install


@pytest.fixture(autouse=True)
def _event_loop_of_its_own():
    """The mocks run on the thread's current event loop; an earlier test's ``asyncio.run()`` leaves the
    main thread with none, and which test ran earlier depends on how the tier is split across
    processes, so each test gets its own."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture
def monitor():
    """Fresh mocks per test: Pulumi's settings are process-global."""
    recording = RecordingMonitor()
    install(recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])


@pytest.fixture(autouse=True)
def _only_documented_queries(documented_queries_only):
    """ctsync sends only queries Graph documents (tests/conftest.py says how it is checked)."""
