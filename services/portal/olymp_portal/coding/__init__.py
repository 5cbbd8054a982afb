"""The coding officer's screens: the manual queue of pages without a readable QR code."""
