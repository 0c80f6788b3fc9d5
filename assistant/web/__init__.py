"""The chat page and HTTP API over the engine (FastAPI); the core never imports this package.

from assistant.web import create_app
app = create_app(Settings())        # or: assistant serve
"""

from assistant.web.app import create_app, server_options
from assistant.web.services import Services, serves_slack

__all__ = ["Services", "create_app", "server_options", "serves_slack"]
