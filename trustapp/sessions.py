from django.contrib.sessions.backends import db


class SessionStore(db.SessionStore):
    """Database sessions that ignore malformed session cookies.

    Django's keys are 32 lowercase letters and digits. Any other cookie value (a NUL byte
    makes PostgreSQL reject the query outright) is treated as no session at all, instead of
    reaching the database and failing the request.
    """

    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()
