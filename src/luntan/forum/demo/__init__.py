"""The demo forum that `luntan demo` puts on an empty site: content.py holds the text, builder.py writes it."""
