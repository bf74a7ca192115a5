"""Luntan (论坛): a Chinese community forum."""
