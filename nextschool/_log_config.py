"""`NEXTSCHOOL_LOG=info|debug`: the SDK's logging to stderr without any code.

Read once, when `nextschool` is imported. The handler carries the redacting
filter itself, so httpx's and httpcore's records, which never pass the
`nextschool` logger's own filter, are masked too before they are written.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping

from ._logging import RedactingFilter

ENV_LOG = "NEXTSCHOOL_LOG"
LEVELS = {"info": logging.INFO, "debug": logging.DEBUG}
# Which loggers each level turns on; httpcore's connection trace only at debug.
LOGGERS = {
    logging.INFO: ("nextschool", "httpx"),
    logging.DEBUG: ("nextschool", "httpx", "httpcore"),
}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "nextschool-env-log"


def configure_logging_from_env(
    environ: Mapping[str, str] | None = None,
) -> logging.Handler | None:
    """Install the stderr handler if `NEXTSCHOOL_LOG` asks for it; returns it, else None.

    Calling it again does not add a second handler. An unknown value is
    ignored with a warning, since failing an import over it would be worse.
    """
    value = (os.environ if environ is None else environ).get(ENV_LOG, "").strip().lower()
    if not value:
        return None
    level = LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{ENV_LOG}={value!r} is not one of {', '.join(LEVELS)}; logging stays off",
            stacklevel=2,
        )
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    for name in LOGGERS[level]:
        target = logging.getLogger(name)
        for old in [h for h in target.handlers if h.get_name() == HANDLER_NAME]:
            target.removeHandler(old)
        target.addHandler(handler)
        target.setLevel(level)
    return handler
