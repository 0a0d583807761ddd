"""Fresh Python processes for the tests that must see settings read at import (production
mode, the cache backend, a second web worker) or a database other than the test run's."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args, env, *, timeout=120, check=False):
    """`python *args` in the project root with PATH and `env` as its whole environment."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )
