"""What the exported website needs beyond rendering pages: its search index."""
