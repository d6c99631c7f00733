"""The WSGI application `joinedup serve` hands to gunicorn.

Each worker starts loading the search index of the current snapshot as soon as it has the
application (`served.Served.warm`, in the background), so that a restart does not make the
first practitioners' searches wait for it: on a million person records the index takes
several seconds to load per worker.
"""

from __future__ import annotations

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.web.settings")
application = get_wsgi_application()


def _warm() -> None:
    from joinedup.web.familycontext.served import SERVED

    try:
        SERVED.warm()
    except Exception:  # a worker must start even if the data cannot be read
        # The first search reports the problem to the practitioner (DataUnavailable) and
        # /readyz to the load balancer; here it is only logged.
        logging.getLogger("joinedup.request").exception("could not start loading the index")


_warm()
