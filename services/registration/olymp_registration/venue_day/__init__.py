"""The venue's day after check-in: the removal act as a document (§53, App. 14) and the works
counted per room after the round against those present (§141)."""
