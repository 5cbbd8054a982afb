"""The olympiad's set-up after creation: each round's times with its briefing (§32) and the oral
round of German and French (§60); the jury per subject (§21), the appeal commission (§102) and the
orgcommittee, each person with the conflicts of interest they declared (seed 000, §2)."""
