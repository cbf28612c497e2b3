"""Every service, served over real HTTP, against the schemathesis CLI from outside.

``st run <base>/openapi.json -c all`` in every phase (examples, coverage, fuzzing, stateful)
with the checked-in tests/services/schemathesis.toml and its hooks: the run must report
nothing. As in tests/services/test_services_contract.py, no operation is exempt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from services_support import served

from concordia.kit import ServiceSpec

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
PHASES = "examples,coverage,fuzzing,stateful"


def schemathesis_run(base: str, token: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """``st run`` against ``base`` in ``workdir`` (its ``.schemathesis/`` cache lands there)."""
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "--config-file", str(CONFIG), "--no-color", "run", f"{base}/openapi.json",
        "-c", "all", "--phases", PHASES, "-H", f"Authorization: Bearer {token}",
        "--workers", "1",
    ]  # fmt: skip
    # The hooks module (schemathesis.toml's `hooks`) is imported from here.
    path = os.pathsep.join(filter(None, (str(HERE), os.environ.get("PYTHONPATH"))))
    env = os.environ | {"PYTHONPATH": path}
    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
@pytest.mark.timeout(700)
def test_schemathesis_cli_finds_nothing(spec: ServiceSpec, tmp_path: Path) -> None:
    """The CLI's exit code is 0; on anything else its whole output is the failure message."""
    (tmp_path / "cli").mkdir()
    with served(spec, tmp_path) as (base, token):
        result = schemathesis_run(base, token, tmp_path / "cli")
    assert result.returncode == 0, result.stdout + result.stderr
