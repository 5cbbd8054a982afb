"""The results handed to the regional organiser (§21): per subject and grade, the full results of
the approved final version — personal data not masked by consent, dates of birth, points per task —
and the list of winners and prize-winners for the next stage; for the regional coordinator only."""
