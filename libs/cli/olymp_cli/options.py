"""Options several commands share."""

from __future__ import annotations

import click


def layout_options(f: click.decorators.FC) -> click.decorators.FC:
    """--port-offset and --database-prefix: which suite on this machine a command speaks to."""
    f = click.option(
        "--port-offset",
        type=int,
        default=0,
        show_default=True,
        help="Add this to every port (8101-8107 HTTP, 50101-50107 gRPC), e.g. for a second suite.",
    )(f)
    f = click.option(
        "--database-prefix",
        default="olymp_",
        show_default=True,
        help="Each service uses the database <prefix><service>.",
    )(f)
    return f
