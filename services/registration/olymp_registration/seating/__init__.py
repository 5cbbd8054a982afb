"""Seating (§30–31): rooms by grade, one participant per desk, no neighbours from one school;
the lists for the entrance and for each room."""
