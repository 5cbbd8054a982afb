"""The portal's own rules: who may sign in, with which role, and when a session ends.

Everything about the olympiad itself (marks, works, appeals) belongs to the six services; the portal
keeps only people's accounts and their sessions.
"""

from olymp_portal.domain.accounts import Account, Grant, hash_password, password_matches
from olymp_portal.domain.sessions import SessionPolicy, SessionState
from olymp_portal.domain.throttle import LoginThrottle

__all__ = [
    "Account",
    "Grant",
    "LoginThrottle",
    "SessionPolicy",
    "SessionState",
    "hash_password",
    "password_matches",
]
