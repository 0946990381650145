"""The five roles of the chapter's "who needs to be at the table"."""

ROLES = ("touch", "data", "resources", "legitimacy", "authority")
