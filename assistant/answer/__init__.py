"""Stage 6, answer: the answer schema, sentence selection, templates and the engine.

:class:`~assistant.answer.engine.Engine` is what every front end calls. Imports the
foundation and the stages below it.
"""
