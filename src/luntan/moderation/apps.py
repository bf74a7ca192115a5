from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ModerationConfig(AppConfig):
    name = "luntan.moderation"
    label = "moderation"

    def ready(self) -> None:
        from luntan.core.buffers import register_flusher
        from luntan.core.menu import register_member_menu
        from luntan.forum.extensions import register_board_part, register_thread_filler, register_thread_part
        from luntan.moderation import panel, queries, services

        # The thread page's 管理 panel: a hole in the kept page, filled for the board's moderators only.
        register_thread_part("head", "moderation/_thread_part.html")
        register_thread_filler("modpanel", panel.thread_panel)
        # The board page's batch form, in the moderators' variant of the kept page only.
        register_board_part("below_list", "moderation/_batch_part.html")
        # Shown only to members who moderate somewhere (0: no number beside the link, None: no link).
        register_member_menu(order=80, url_name="moderation:log", label=gettext_lazy("Moderation log"),
                             count=lambda member: 0 if queries.moderates_any(member) else None)
        register_member_menu(order=81, url_name="moderation:recycle", label=gettext_lazy("Recycle bin"),
                             count=lambda member: 0 if queries.moderates_any(member) else None)
        register_flusher("stickies", services.stickies_expire)
        # 拆分, 置顶回复, 合并主题 under the floors (luntan.moderation.surgery).
        from luntan.forum import extensions
        from luntan.moderation import surgery_views

        extensions.register_floor_link(50, surgery_views.floor_links)
