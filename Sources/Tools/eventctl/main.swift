import Glibc

exit(Eventctl.run(Array(CommandLine.arguments.dropFirst())))
