"""The WSGI entry point: what it leaves the collector to walk."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_the_wsgi_application_freezes_what_exists_when_it_is_loaded() -> None:
    # A child process: freezing this one would change the collector for the other tests.
    probe = (
        "import gc, json; before = len(gc.get_objects()); "
        "from dangvien.wsgi import application; "
        "print(json.dumps([before, gc.get_freeze_count(), len(gc.get_objects())]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    before, frozen, tracked = json.loads(out.stdout.strip().splitlines()[-1])
    # The modules, models and URLconf are frozen: far more than the interpreter started
    # with, and almost nothing is left for a collection to walk.
    assert frozen > 10 * before
    assert tracked < frozen // 20
