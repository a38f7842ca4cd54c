"""Environment alerts in the server: the evaluation loop (`watch`) and the notifiers it hands alerts to.

`setup.watch_of` builds them from the settings; the API starts the loop with the app and stops it
(joined) as the app stops (`api.background`).
"""
