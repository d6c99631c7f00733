"""Django settings for `joinedup serve`: built from joinedup's Settings (see conf.build)."""

from __future__ import annotations

import os

from joinedup.config import get_settings
from joinedup.web.conf import build
from joinedup.web.runtime import BIND_ENV

globals().update(build(get_settings(), bind_host=os.environ.get(BIND_ENV)))
