"""Stage 7, chat: conversations, their stored sessions, and follow-up resolution.

Imports the foundation and the stages below it (the engine answers each resolved message).
"""
