from asylon.cli import main

main()
