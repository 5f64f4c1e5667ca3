import pytest

from tests.s3_server import running_s3


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 API (moto's server) on a free port, for the module's tests."""
    with running_s3() as endpoint:
        yield endpoint
