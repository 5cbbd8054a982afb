"""Commands of the portal: sign-in, the choice of role, sign-out, accounts."""

from olymp_portal.handlers.accounts import AddAccount, add_account, names
from olymp_portal.handlers.sessions import (
    ChooseRole,
    SignedIn,
    SignIn,
    Visitor,
    choose_role,
    sign_in,
    sign_out,
    visitor,
)

__all__ = [
    "AddAccount",
    "ChooseRole",
    "SignIn",
    "SignedIn",
    "Visitor",
    "add_account",
    "choose_role",
    "names",
    "sign_in",
    "sign_out",
    "visitor",
]
