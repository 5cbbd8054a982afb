"""Room video (§21): recordings of each room of a venue from the start of a round until the answer
sheets are packed, their facts read from the files themselves, the coverage and deadline rules,
audited playback and retention. A sub-feature of registration, built of the service's own names."""
