from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "luntan.forum"
    label = "forum"
