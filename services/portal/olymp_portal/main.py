"""Composition root of the staff portal."""

from __future__ import annotations

import datetime as dt

from olymp_core.auth import TokenIssuer
from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_portal import api
from olymp_portal.chair import api as chair_api
from olymp_portal.clients import Backends
from olymp_portal.coding import api as coding_api
from olymp_portal.commission import api as commission_api
from olymp_portal.marking import api as marking_api
from olymp_portal.materials import api as materials_api
from olymp_portal.observer import api as observer_api
from olymp_portal.oidc import api as oidc_api
from olymp_portal.oidc.clients import OidcProvider
from olymp_portal.organiser import api as organiser_api
from olymp_portal.pages import SecurityHeaders, install_page_errors
from olymp_portal.participant import api as participant_api
from olymp_portal.public import api as public_api
from olymp_portal.settings import PortalSettings
from olymp_portal.venue import api as venue_api
from olymp_portal.violations import api as violations_api


def build(
    settings: PortalSettings | None = None,
    *,
    clock: Clock | None = None,
    backends: Backends | None = None,
) -> Service[PortalSettings]:
    settings = settings or PortalSettings()
    runtime = Runtime(settings, clock)
    if backends is None:
        key_file = settings.auth_local_private_key_file

        def issuer() -> TokenIssuer:
            return TokenIssuer(
                key_file.read_bytes(),
                settings.auth_issuer,
                settings.auth_audience,
                clock=runtime.clock,
            )

        backends = Backends.over_http(
            settings.backend_urls(), issuer, dt.timedelta(minutes=settings.token_minutes)
        )
    runtime.checks["signing_key"] = backends.signing_check
    # present when OIDC is off too (its routes then say so); it reaches the provider on first use
    oidc = OidcProvider(settings, runtime.clock)
    service = Service(
        name="portal",
        runtime=runtime,
        description="The staff portal: server-rendered pages over the six services' APIs.",
        routers=[
            api.router,
            oidc_api.router,
            marking_api.router,
            chair_api.router,
            coding_api.router,
            participant_api.router,
            commission_api.router,
            materials_api.router,
            venue_api.router,
            public_api.router,
            organiser_api.router,
            observer_api.router,
            violations_api.router,
        ],
        errors=api.ERRORS,
        contexts=[backends, oidc],
        lifecycles=[backends, oidc],
        front=SecurityHeaders,
        # its trail is sign-ins and accounts with people's addresses, no procedure of the olympiad
        audit_api=False,
        # it keeps no olympiads: its pages call the services with the person's own token
        olympiads=None,
    )
    install_page_errors(service.app)
    return service
