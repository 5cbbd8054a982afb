"""The jury's marking: the next work is the server's decision, marked with the keyboard."""
