"""Sign-in through an OpenID Connect provider (authorization code + PKCE), beside local accounts.

How it goes (settings `OLYMP_PORTAL_OIDC_*`; off while the issuer is empty):

1. «Войти через …» (GET /login/oidc): the portal makes a `state`, a `nonce` and a PKCE verifier,
   keeps them in `oidc_authorizations` (the state by its hash), puts the state in a short-lived
   HttpOnly cookie of this browser and sends the person to the provider's authorization endpoint
   with the verifier's S256 challenge.
2. The provider sends them back (GET /login/oidc/callback?code&state). The state must equal the
   browser's cookie — a callback carried to another browser (someone signing a victim in as
   themselves) is refused — and names an authorization under way, which is used up at once.
3. The code is exchanged with the verifier (the provider checks it against the challenge, so a
   code taken on the way is useless to anyone else); the ID token's signature is checked against
   the provider's JWKS, and its issuer, audience, lifetime and nonce against what was sent.
4. The provider says who the person is, never what they may do: the account is the portal's own
   (`olymp user add … --oidc-subject VALUE`), the value of the configured claim naming the
   person; the first sign-in pins the provider's subject to it. Roles and scopes stay with the
   operator, and the session is the same as after a password: the same cookie, CSRF token,
   expiry, choice of role and tokens signed for the chosen role.

Every refusal is a page in Russian saying what to do, is in the audit trail like a refused
password, and counts towards the address's throttle of failed sign-ins.

Why no OAuth client library: the suite already verifies provider-signed tokens with PyJWT, and
the provider's keys are kept here by the same rules as the services' JWKS cache, on the injected
clock the tests move; what remains of the code flow is an address with parameters, one form POST
and the S256 hash of RFC 7636, each tested. A second JOSE stack (Authlib brings joserfc) would
verify the same signatures with rules of its own and the process's clock.

`domain` holds the rules (no I/O), `clients` the provider over HTTP, `handlers` the two steps
with their transactions, `api` the routes.
"""
