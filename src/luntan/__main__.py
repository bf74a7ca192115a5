from luntan.cli import main

main()
