"""Rich renderables: the post table, one post, and (later) side-by-side and summary views."""
