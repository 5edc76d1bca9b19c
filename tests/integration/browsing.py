"""What the dashboard's browser tests share: a uvicorn server in a thread, headless Chromium
(Selenium + Debian's chromium-driver) and a wait for a page to be replaced.

Imported by the ``test_browser*`` modules; the ``browser`` fixture is in ``conftest.py``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests_stores import free_port  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Server:
    """uvicorn serving ``create_app(db_url, config, **options)`` in a thread on a free
    loopback port."""

    def __init__(self, db_url: str, config: Any, **options: Any) -> None:
        import uvicorn

        from claimledger.api.app import create_app

        self.port = free_port()
        app = create_app(db_url=db_url, config=config, **options)
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                access_log=False,
                lifespan="on",
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def replaced(element: Any) -> Any:
    """A wait condition: ``element``'s page has been replaced by another.

    Selenium's ``staleness_of`` expects a stale-element error; Chromium, asked about a node
    while its page is being replaced, may answer "Node with given id does not belong to the
    document" instead (seen on a loaded machine). Both mean the old page is gone.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            return "does not belong to the document" in str(exc)
        return False

    return check
