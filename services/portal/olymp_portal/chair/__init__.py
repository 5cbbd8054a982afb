"""The jury chair's screens: the course of checking, the criteria, annulment, the ties at the quota
boundary, the submission of the final table and the protocols."""
