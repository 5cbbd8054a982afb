"""`olymp demo`: one olympiad day through all six services, from participant lists to final results."""
