AUTHOR = "Sophoan Seng"
SITENAME = "CERC"
PATH = "content"
DEFAULT_LANG = "en"
