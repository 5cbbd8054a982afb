"""Scanning, a sub-feature of coding: the scan station's uploads, the manual queue, the jury's page
links, title pages, label sheets. `domain` holds the pure rules (splitting, label reading, routing,
payloads), `handlers` the commands and queries, `api` the routes.
"""
