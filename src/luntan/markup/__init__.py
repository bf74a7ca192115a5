"""Cooking: turning what a member typed (Markdown or BBCode) into sanitized HTML.

The public entry point is :func:`luntan.markup.cooking.cook`; everything else in this
package is private to it.
"""
