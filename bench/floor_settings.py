"""The application's settings with bench/floor_urls.py in front of its URLs: `load_http.py --floor` serves these
so that the floor endpoints run in the same server, middleware and workers as ping and the lookup."""

from motcua.settings import *  # noqa: F403 - the application's settings, unchanged but for the URLs

ROOT_URLCONF = "floor_urls"
