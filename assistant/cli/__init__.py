"""Front end: the command line (``assistant …`` and ``python -m assistant``).

Imports only the public surface of :mod:`assistant` and the other front ends it starts.
"""

from assistant.cli.commands import main

__all__ = ["main"]
