from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "luntan.moderation"
    label = "moderation"

    def ready(self) -> None:
        from luntan.forum import extensions
        from luntan.moderation import surgery_views

        extensions.register_floor_link(50, surgery_views.floor_links)  # 拆分, 置顶回复, 合并主题
