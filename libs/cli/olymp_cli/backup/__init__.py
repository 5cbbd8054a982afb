"""`olymp backup` and `olymp restore`: each service's database and the object store, checked on the
way back.

A backup is a directory:

    manifest.json             suite version, time, and size and sha256 of every file below
    databases/<service>.dump  pg_dump, custom format, one per service
    objects.jsonl             every object of the store: key, size, sha256, content type, metadata
    objects/<ab>/<sha256>     the objects' bytes, by content (only with --copy-objects)

The databases are dumped first and the store listed after, so every object a dumped row names is
in the listing (the services write an object before the row that names it).
"""
