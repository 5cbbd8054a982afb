"""Participants' access codes: issued by the organiser, typed by the participant (§91, §98).

Issuing a code revokes the participant's earlier ones and ends their sessions; the code is shown
once (on the slip) and only its hash is kept. A code opens a session of the participant's own
account, whose one role is «участник олимпиады» pinned to that participant: the services' routes
for participants require that pin. Every issue, revocation, sign-in and refusal is audited; a run
of wrong codes from one address waits, as wrong passwords do.
"""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass

from olymp_core.auth import Role, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_portal import store
from olymp_portal.domain import Account, Grant, LoginThrottle, hash_password
from olymp_portal.domain.access_codes import code_hash, new_code
from olymp_portal.domain.errors import CodeRefused, TooManyCodes
from olymp_portal.handlers.sessions import SignedIn
from olymp_portal.participant import store as codes

# the failed-sign-in table counts wrong codes under this name, by address
CODE_FAILURES = "access-code"


def login_of(participant_id: uuid.UUID) -> str:
    """The participant's account: random like the participant's id, and telling nothing else."""
    return f"participant-{participant_id.hex}"


@dataclass(frozen=True)
class IssueCode:
    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: str  # as registration has it; on the slip and at the top of the participant's page


@dataclass(frozen=True)
class NewCode:
    participant_id: uuid.UUID
    full_name: str
    code: str  # shown once


async def issue_codes(commands: list[IssueCode], uow: UnitOfWork, actor: str) -> list[NewCode]:
    """A fresh code for each participant; their earlier codes and sessions end."""
    now = uow.clock.now()
    issued = []
    for command in commands:
        login = login_of(command.participant_id)
        grant = Grant(
            Role.PARTICIPANT, {ScopeKind.PARTICIPANT: frozenset({str(command.participant_id)})}
        )
        # nobody knows the password: the account opens only with the code
        account = Account(
            login, command.full_name, (grant,), hash_password(secrets.token_urlsafe(32))
        )
        await store.save_account(uow.session, account, now)
        revoked = await codes.revoke_codes(
            uow.session, command.olympiad_id, command.participant_id, now
        )
        await store.end_sessions_of(uow.session, login, now)
        code = new_code()
        hashed = code_hash(code)
        assert hashed is not None
        await codes.insert_code(
            uow.session, hashed, login, command.olympiad_id, command.participant_id, now, actor
        )
        await uow.audit(
            actor=actor,
            action="portal.access_code_issued",
            object_type="participant",
            object_id=str(command.participant_id),
            payload={"olympiad_id": str(command.olympiad_id), "revoked_before": revoked},
        )
        issued.append(NewCode(command.participant_id, command.full_name, code))
    await uow.commit()
    return issued


async def revoke_code(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, uow: UnitOfWork, actor: str
) -> int:
    """The participant's codes stop working and their open sessions end; how many codes."""
    now = uow.clock.now()
    revoked = await codes.revoke_codes(uow.session, olympiad_id, participant_id, now)
    await store.end_sessions_of(uow.session, login_of(participant_id), now)
    await uow.audit(
        actor=actor,
        action="portal.access_code_revoked",
        object_type="participant",
        object_id=str(participant_id),
        payload={"olympiad_id": str(olympiad_id), "revoked": revoked},
    )
    await uow.commit()
    return revoked


async def issued_codes(
    olympiad_id: uuid.UUID, uow: UnitOfWork
) -> dict[uuid.UUID, codes.IssuedCode]:
    found = await codes.latest_codes(uow.session, olympiad_id)
    await uow.release()
    return found


async def sign_in_with_code(
    typed: str, address: str, uow: UnitOfWork, *, throttle: LoginThrottle
) -> SignedIn:
    now = uow.clock.now()
    failures = await store.failures_since(uow.session, "address", address, now - throttle.window)
    retry_at = throttle.retry_at(failures, now)
    if retry_at is not None:
        minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
        raise TooManyCodes(
            f"Слишком много неверных кодов с этого устройства. Повторите через {minutes} мин."
        )
    hashed = code_hash(typed)
    found = None if hashed is None else await codes.live_code(uow.session, hashed)
    account = None if found is None else await store.get_account(uow.session, found.login)
    if found is None or account is None or account.disabled:
        await store.record_failure(uow.session, CODE_FAILURES, address, now)
        await uow.audit(
            actor="anonymous",
            action="portal.access_code_refused",
            object_type="access_code",
            object_id="-",
            payload={"address": address, "well_formed": hashed is not None},
        )
        await uow.commit()
        raise CodeRefused(
            "Код не подошёл. Проверьте его по листку с кодом: 16 знаков, буквы и цифры. "
            "Если листок потерян или код не подходит, обратитесь в оргкомитет олимпиады: "
            "вам выдадут новый код."
        )
    cookie = secrets.token_urlsafe(32)
    grant = account.grants[0]
    await store.insert_session(
        uow.session, store.session_key(cookie), account.login, grant, secrets.token_urlsafe(32), now
    )
    await uow.audit(
        actor=account.login,
        action="portal.signed_in",
        object_type="account",
        object_id=account.login,
        payload={"address": address, "method": "access_code"},
    )
    await uow.commit()
    return SignedIn(cookie, account, grant)


async def own_code(login: str, uow: UnitOfWork) -> codes.IssuedCode | None:
    """The live code behind a participant's session: their olympiad and participant."""
    found = await codes.code_of_login(uow.session, login)
    await uow.release()
    return found


def participant_of(grant: Grant) -> uuid.UUID:
    [value] = grant.scopes[ScopeKind.PARTICIPANT]
    return uuid.UUID(value)
