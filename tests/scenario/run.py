"""Runs every scenario test module; ends with "scenario: N passed, ..."."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import test_daemons  # noqa: E402,F401
import test_delivery  # noqa: E402,F401
import test_dns  # noqa: E402,F401
import test_faults  # noqa: E402,F401
import test_install  # noqa: E402,F401
import test_netns  # noqa: E402,F401
import test_queue  # noqa: E402,F401
import test_dane  # noqa: E402,F401
import test_tls  # noqa: E402,F401

sys.exit(harness.main(sys.modules))
