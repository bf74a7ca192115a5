"""Downloads, counted in the shared cache and added to the attachments in batches (as thread views are,
luntan.core.counters): a download never writes to the database."""

from luntan.core.counters import SharedCounts

DOWNLOADS = SharedCounts("attachdl", add_wait=0.05)


def count_download(attachment_id: int, n: int = 1) -> None:
    DOWNLOADS.add(attachment_id, n)


def take_downloads() -> dict[int, int]:
    return DOWNLOADS.take()


def give_back(taken: dict[int, int]) -> None:
    DOWNLOADS.give_back(taken)
