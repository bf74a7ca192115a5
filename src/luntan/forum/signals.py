"""What the forum tells the apps above it when a write bypasses model saves (a bulk UPDATE or DELETE).

`text_changed(floor_ids=..., thread_ids=...)`: these floors' text, or these threads' titles, changed, or the
floors changed thread or number (merge, split), or were purged. Sent inside the write's transaction. The search
index listens (luntan.search.index)."""

from django.dispatch import Signal

text_changed = Signal()
