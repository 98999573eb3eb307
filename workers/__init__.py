"""Orchestration: the Celery app, its thin tasks, and the command line."""
