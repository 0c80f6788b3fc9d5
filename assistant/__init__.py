"""Korean conversational retrieval assistant: cited passages and extractive summaries, offline.

The core (loaders → chunking → embedding → index → retrieval → answer) imports without the
CLI, web or Slack layers; :class:`assistant.engine.Engine` is the entry point for all of them.
"""

__version__ = "0.1.0"
