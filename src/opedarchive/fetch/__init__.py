"""Fetching published pages: an HTTP client with limits users can trust (fetch.http) and the
article on a page as a post (fetch.article, through trafilatura, loaded only when used)."""
