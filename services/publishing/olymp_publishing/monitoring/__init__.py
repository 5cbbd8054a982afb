"""Objectivity monitoring of an olympiad (seed 000 §1.3, §2.9, §2.10): the information report on
how objective the municipal stage was — results by school and by venue against the
municipality's, annulled works and removals, markers' discrepancies (anonymised), room video —
its figures (`domain`), what it asks registration and scoring for with the caller's token
(`clients`, `analytics.clients`), its JSON (`schemas`), HTML page and PDF (`documents`, `page`),
and the routes for the regional and municipal coordinators (`api`)."""
