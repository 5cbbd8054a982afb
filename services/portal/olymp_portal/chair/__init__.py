"""The jury chair's screens: the course of checking, the marking scheme, annulment."""
