"""矛盾调解: the dispute mediation centre — disputes, petitions, risk meetings."""
