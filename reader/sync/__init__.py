"""Notes, tags and reading state in step between machines through a folder that the user's
own sync tool (Syncthing, Nextcloud, Dropbox, iCloud Drive, git) shares: each machine writes
only its own files there (``folder``), changes are registers merged by a hybrid logical
clock (``clock``), read from and applied to the local stores (``registers``), and one
sync is ``syncing``. It may import reader.notes, reader.search (saved searches), reader.index
and below; never a front end.
"""
