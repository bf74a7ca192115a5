"""The embedded site's shared cache: diskcache (SQLite files under var/cache), which every worker process
sees, unlike Django's per-process memory cache."""

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    def close(self, **kwargs) -> None:
        """Django closes every cache at the end of each request. For diskcache that means closing its SQLite
        connections and opening them again on the next request, which cost more than the page itself; the
        connections belong to their thread and are safe to keep."""
