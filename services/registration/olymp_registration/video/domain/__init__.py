"""The pure rules of room video (§21): coverage and handover deadlines, what a file is, refusals."""
