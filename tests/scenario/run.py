"""Runs every scenario test module (tests/scenario/test_*.py, found by
name); ends with "scenario: N passed, ..."."""
import glob
import importlib
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)

import harness  # noqa: E402

for path in sorted(glob.glob(os.path.join(here, "test_*.py"))):
    importlib.import_module(os.path.basename(path)[:-3])

sys.exit(harness.main(sys.modules))
