"""Auth for every HTTP endpoint and gRPC method: bearer JWTs, roles and scopes.

- `TokenIssuer` signs tokens with the local Ed25519 key (`olymp token issue` uses it).
- `TokenVerifier.verify(token)` is a coroutine (a JWKS may need fetching) -> `Principal`, or
  raises `Unauthorized` with a detail that says what was wrong and what to do. It refuses tokens
  issued for longer than the maximum lifetime, revoked ones (`RevocationList`, the file that
  `olymp token revoke` writes) and ones with scope kinds it does not know.
- A role in `PINNED_SCOPES` (a jury member: subject; a municipal coordinator: municipality; …)
  is refused on a route with a rule of its kind unless its token carries that kind (`*` = all).
- HTTP: `Depends(authorize(Role.X, scope=ScopeRule(...)))`; the verifier is read from
  `app.state.token_verifier`. `route_policies(app)` / `undeclared_routes(app)` audit an app.
- gRPC: `AuthInterceptor(verifier, {"/pkg.Service/Method": Policy.of(Role.X)})`, deny by default;
  servicers call `current_principal()`.
"""

from olymp_core.auth.grpc_auth import AuthInterceptor, bearer_metadata, current_principal
from olymp_core.auth.model import (
    ANY,
    PINNED_SCOPES,
    Policy,
    Principal,
    Role,
    ScopeKind,
    ScopeRule,
    missing_pinned_scopes,
)
from olymp_core.auth.revocation import (
    RevocationList,
    Revocations,
    read_revocations,
    unverified_claims,
    write_revocations,
)
from olymp_core.auth.settings import AuthSettings
from olymp_core.auth.tokens import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    TokenIssuer,
    generate_local_key,
)
from olymp_core.auth.verifier import (
    DEFAULT_MAX_LIFETIME,
    AuthUnavailable,
    JwksKeys,
    TokenVerifier,
    bearer_token,
    fetch_jwks,
    missing_token,
)
from olymp_core.auth.web import (
    VERIFIER_STATE,
    ServedRoute,
    authorize,
    document_policies,
    route_policies,
    served_routes,
    undeclared_routes,
)

__all__ = [
    "ANY",
    "DEFAULT_AUDIENCE",
    "DEFAULT_ISSUER",
    "DEFAULT_MAX_LIFETIME",
    "PINNED_SCOPES",
    "VERIFIER_STATE",
    "AuthInterceptor",
    "AuthSettings",
    "AuthUnavailable",
    "JwksKeys",
    "Policy",
    "Principal",
    "RevocationList",
    "Revocations",
    "Role",
    "ScopeKind",
    "ScopeRule",
    "ServedRoute",
    "TokenIssuer",
    "TokenVerifier",
    "authorize",
    "bearer_metadata",
    "bearer_token",
    "current_principal",
    "document_policies",
    "fetch_jwks",
    "generate_local_key",
    "missing_pinned_scopes",
    "missing_token",
    "read_revocations",
    "route_policies",
    "served_routes",
    "undeclared_routes",
    "unverified_claims",
    "write_revocations",
]
