import logging
from .test_intake_browser import live  # noqa
def test_dbg(live):
    lg = logging.getLogger("uvicorn.access")
    print("PROP", lg.propagate, lg.handlers, lg.disabled, lg.level)
    assert False
