"""What the exported website needs beyond rendering pages: its search index, citation metadata,
and the live preview (`serve`)."""
