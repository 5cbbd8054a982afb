"""Settings of the publishing service (environment prefix OLYMP_PUBLISHING_, then OLYMP_)."""

from typing import Literal

from olymp_core.settings import SERVICE_PORTS, ServiceSettings, service_config


class PublishingSettings(ServiceSettings):
    model_config = service_config("publishing")

    service_name: str = "publishing"
    # the event loop under the HTTP server (OLYMP_PUBLISHING_HTTP_LOOP): results day brings the
    # crowd, and publishing neither serves nor calls gRPC, which needs asyncio's own loop; no
    # other service has this setting
    http_loop: Literal["asyncio", "uvloop"] = "uvloop"
    # Cache-Control max-age of the addresses that move to a new version ("latest", the index).
    # deploy/nginx/ sends the same value: change both together.
    results_latest_max_age_s: int = 10
    # How often a process asks the database again which versions are the latest of what it has
    # cached: the longest a process that did not publish a version serves the one before it.
    results_refresh_s: float = 1.0
    # Memory for the published versions' files kept in each process (least recently used go).
    results_cache_mb: int = 64
    # Where scoring answers HTTP (OLYMP_PUBLISHING_SCORING_URL): the analytic report (App. 13)
    # asks it for the checking protocol's marks with its caller's token. Default: the
    # single-machine layout's port.
    scoring_url: str = f"http://127.0.0.1:{SERVICE_PORTS['scoring'][0]}"
    scoring_timeout_s: float = 10.0
    # Where registration answers HTTP (OLYMP_PUBLISHING_REGISTRATION_URL): the objectivity
    # monitoring asks it, with its caller's token, for the participants' venues and the room
    # video reports. Default: the single-machine layout's port.
    registration_url: str = f"http://127.0.0.1:{SERVICE_PORTS['registration'][0]}"
    registration_timeout_s: float = 10.0
    # Where the public reaches the portal (OLYMP_PUBLISHING_PUBLIC_PAGE_URL): the results index
    # links to <it>/olympiad/<id>, the olympiad's public page with the schedule of the analysis
    # of tasks, the show of works, appeals and public observation. The link is written into the
    # published static files, so a loopback default would send the public nowhere: empty (no
    # link) unless given. `olymp up` gives its own portal's address; deploy/ sets the public one.
    public_page_url: str = ""
