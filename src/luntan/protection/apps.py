from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ProtectionConfig(AppConfig):
    name = "luntan.protection"
    label = "protection"
    verbose_name = gettext_lazy("Protection")

    def ready(self) -> None:
        from luntan.core.menu import register_member_menu
        from luntan.forum.extensions import register_body_guard, register_post_guard
        from luntan.protection import noise, securitylog
        from luntan.protection.newcomers import post_guard

        register_body_guard(noise.guard, noise.splicer)  # content protection of boards that ask for it
        register_post_guard(post_guard)  # rate limits and new members' rules on threads, replies and edits

        # The security log: sign-ins and sign-outs from Django's signals, every admin change from its LogEntry.
        securitylog.connect()
        securitylog.hook_admin_log()
        register_member_menu(order=70, url_name="security:log", label=gettext_lazy("Account security"))
