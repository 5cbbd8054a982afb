"""The events that cross services, one module per producer. Importing this package registers them all.

These models are the contract between services: a consumer imports the producer's event class from
here, never from the producer's package. Payloads are thin — ids and the facts they assert — except where
a consumer must hold its own copy of data to stay independent (personal data for publishing).
"""

from olymp_core.contracts import appeals, coding, materials, publishing, registration, scoring

__all__ = ["appeals", "coding", "materials", "publishing", "registration", "scoring"]
