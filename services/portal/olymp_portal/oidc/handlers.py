"""Sign-in through the OIDC provider: sending the person there, and taking them back.

A refusal is committed before it is raised — the authorization it took used up, the failure
counted towards the address's throttle, the audit entry written — so a callback replayed cannot
be tried again, and the operator sees every refused sign-in in the trail. A callback arriving in
a browser that did not start the sign-in takes nothing: a stranger holding the address cannot
spoil the sign-in of the person it belongs to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from olymp_core.db import UnitOfWork
from olymp_portal import store
from olymp_portal.domain import LoginThrottle
from olymp_portal.domain.errors import TooManyAttempts
from olymp_portal.handlers.sessions import SignedIn, open_session
from olymp_portal.oidc.clients import OidcProvider
from olymp_portal.oidc.domain import (
    MAX_PENDING_PER_ADDRESS,
    PENDING_FOR,
    START_AGAIN,
    OidcRefused,
    identity_of,
    new_secret,
    same_secret,
    state_key,
)


@dataclass(frozen=True)
class StartSignIn:
    address: str
    next: str
    redirect_url: str  # the portal's callback, as registered at the provider


@dataclass(frozen=True)
class Started:
    state: str  # for the browser's cookie; the table keeps only its hash
    authorization_url: str


@dataclass(frozen=True)
class FinishSignIn:
    state: str  # as the provider sent it back
    browser_state: str | None  # the cookie the browser kept from the start
    code: str | None
    error: str | None  # the provider's refusal (access_denied, ...)
    error_description: str | None
    address: str


@dataclass(frozen=True)
class Finished:
    signed: SignedIn
    next: str


async def start_sign_in(
    command: StartSignIn,
    uow: UnitOfWork,
    provider: OidcProvider,
    *,
    address_throttle: LoginThrottle,
) -> Started:
    """An authorization under way, and the provider's address to send the person to."""
    if not provider.enabled:
        raise OidcRefused(
            "Вход через службу входа в этой установке не настроен: войдите по логину и паролю.",
            reason="oidc-off",
            next_=command.next,
        )
    now = uow.clock.now()
    await _check_throttle(uow, command.address, address_throttle, command.next)
    await store.forget_authorizations_before(uow.session, now - PENDING_FOR)
    pending = await store.authorizations_since(uow.session, command.address, now - PENDING_FOR)
    if pending >= MAX_PENDING_PER_ADDRESS:
        raise TooManyAttempts(
            "С этого адреса начато слишком много входов подряд. Повторите через "
            f"{PENDING_FOR.seconds // 60} мин.",
            retry_at=now + PENDING_FOR,
            next_=command.next,
        )
    state, nonce, verifier = new_secret(), new_secret(), new_secret()
    # discovery first: with the provider away nothing is written and the page says so
    url = await provider.authorization_url(
        state=state, nonce=nonce, verifier=verifier, redirect_url=command.redirect_url
    )
    await store.insert_authorization(
        uow.session,
        state_key(state),
        store.PendingAuthorization(
            nonce=nonce,
            code_verifier=verifier,
            redirect_url=command.redirect_url,
            next=command.next,
            address=command.address,
            created_at=now,
        ),
    )
    await uow.commit()
    return Started(state, url)


async def finish_sign_in(
    command: FinishSignIn,
    uow: UnitOfWork,
    provider: OidcProvider,
    *,
    address_throttle: LoginThrottle,
) -> Finished:
    """The provider's answer checked, the person's account found, a session opened."""
    await _check_throttle(uow, command.address, address_throttle, "/")
    try:
        return await _finish(command, uow, provider)
    except OidcRefused as refusal:
        await store.record_failure(
            uow.session, f"oidc:{refusal.identity or '-'}", command.address, uow.clock.now()
        )
        await uow.audit(
            actor=refusal.identity or "anonymous",
            action="portal.sign_in_refused",
            object_type="account",
            object_id=refusal.identity or "-",
            payload={"address": command.address, "method": "oidc", "reason": refusal.reason},
        )
        await uow.commit()
        raise


async def _finish(command: FinishSignIn, uow: UnitOfWork, provider: OidcProvider) -> Finished:
    # the browser that started the sign-in must be the one that finishes it: a callback address
    # someone else obtained (to sign this browser in as them) fails here
    if not same_secret(command.state, command.browser_state):
        raise OidcRefused(
            "Ответ службы входа не относится к входу, начатому в этом браузере (state не "
            "совпал). " + START_AGAIN + " Если вы не начинали вход — просто закройте страницу.",
            reason="state",
        )
    pending = await store.take_authorization(uow.session, state_key(command.state))
    now = uow.clock.now()
    if pending is None:
        raise OidcRefused(
            "Этот ответ службы входа уже использован или не был запрошен. " + START_AGAIN,
            reason="state-unknown",
        )
    next_ = pending.next
    if now - pending.created_at > PENDING_FOR:
        raise OidcRefused(
            f"Вход не был завершён за {PENDING_FOR.seconds // 60} мин. " + START_AGAIN,
            reason="expired",
            next_=next_,
        )
    if command.error:
        if command.error == "access_denied":
            detail = "Вход отменён в службе входа. " + START_AGAIN
        else:
            detail = (
                f"Служба входа отказала ({command.error}"
                + (f": {command.error_description}" if command.error_description else "")
                + "). "
                + START_AGAIN
                + " Если повторяется — сообщите оператору системы."
            )
        raise OidcRefused(detail, reason=f"provider-{command.error}"[:80], next_=next_)
    if not command.code:
        raise OidcRefused(
            "Служба входа вернула вас без кода подтверждения. " + START_AGAIN,
            reason="no-code",
            next_=next_,
        )
    id_token = await provider.redeem(
        command.code, verifier=pending.code_verifier, redirect_url=pending.redirect_url, next_=next_
    )
    claims = await provider.verify(id_token, nonce=pending.nonce, next_=next_)
    claim = provider.settings.oidc_identity_claim
    identity = identity_of(claims, claim, next_=next_)
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    login = await store.linked_login(uow.session, issuer, subject)
    if login is None:
        login = await store.pin_link(uow.session, identity, issuer, subject, now)
        if login is not None:
            await uow.audit(
                actor=login,
                action="portal.oidc_linked",
                object_type="account",
                object_id=login,
                payload={"issuer": issuer, "subject": subject, "identity": identity},
            )
    account = await store.get_account(uow.session, login) if login is not None else None
    if account is None:
        raise OidcRefused(
            f"Служба входа подтвердила, что вы — «{identity}», но учётной записи портала для "
            "вас нет. Попросите оператора системы создать её или привязать к вам: "
            f"olymp user add <логин> --oidc-subject '{identity}' …",
            reason="unknown-person",
            next_=next_,
            identity=identity,
        )
    if account.disabled:
        raise OidcRefused(
            "Ваша учётная запись портала отключена. Обратитесь к оператору системы.",
            reason="disabled",
            next_=next_,
            identity=identity,
        )
    signed = await open_session(
        uow, account, command.address, method="oidc", issuer=issuer, subject=subject
    )
    await uow.commit()
    return Finished(signed, next_)


async def _check_throttle(
    uow: UnitOfWork, address: str, throttle: LoginThrottle, next_: str
) -> None:
    now = uow.clock.now()
    failures = await store.failures_since(uow.session, "address", address, now - throttle.window)
    retry_at = throttle.retry_at(failures, now)
    if retry_at is not None:
        minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
        raise TooManyAttempts(
            f"С этого адреса слишком много неудачных попыток входа. Повторите через {minutes} "
            "мин. Если вы только что не входили — сообщите оператору системы.",
            retry_at=retry_at,
            next_=next_,
        )
