"""The secret key of the tests' settings, and whether missing services fail the run."""

from __future__ import annotations

import os

#: The secret key every test's settings use (long enough for the vault).
SECRET = "test-secret-" + "x" * 40
#: LOTSE_TEST_STRICT=1 (deploy/test.sh): a test that cannot run fails instead of skipping.
STRICT = os.environ.get("LOTSE_TEST_STRICT") == "1"
