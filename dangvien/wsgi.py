import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
application = get_wsgi_application()

# The URLconf (and through it every view module) is imported now rather than on the first
# request, so that it too is frozen below.
get_resolver().url_patterns  # noqa: B018

# What exists now lives as long as the process: the modules, the models, the URLconf. Out of
# the collector's sight (gc.freeze), a full collection during a request walks only what the
# requests made: measured at national scale, 2.4 ms instead of 35 ms for 120,000 objects,
# which was the one slow page in ten or twenty (a pipeline board at 89 ms against a median
# of 42). Before gunicorn forks, this also keeps the shared pages of the workers unwritten
# by the collector (the Python documentation of gc.freeze).
gc.collect()
gc.freeze()
