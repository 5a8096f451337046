import pulumi
import pytest

from tests.components.harness import RecordingMonitor, install


@pytest.fixture
def monitor():
    """Fresh mocks per test: Pulumi's settings are process-global."""
    recording = RecordingMonitor()
    install(recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])
