import Glibc

exit(Devstack.run(Array(CommandLine.arguments.dropFirst())))
