"""Public observers (§18–19 of the OTM; the objectivity plan's public observation): the organiser
accredits observers and assigns them to procedures at venues on dates, the schedule is public,
and an observer reports a violation within three days with attachments, which the organiser
decides on. A sub-feature of registration, built of the service's own names."""
