"""Portwatch's domain logic: pure, typed, no Celery and no global clients."""
