from django.apps import AppConfig


class BansConfig(AppConfig):
    name = "luntan.bans"
    label = "bans"

    def ready(self) -> None:
        from luntan.bans.checks import posting_refusal
        from luntan.bans.links import floor_links, profile_links
        from luntan.core.menu import register_profile_link
        from luntan.forum.extensions import register_floor_link, register_posting_check

        register_posting_check(posting_refusal)
        register_floor_link(50, floor_links)
        register_profile_link(profile_links)
