import Foundation
import Storage

/// A bounded context as its system's library declares it: everything the chassis needs to run it
/// as a service, so that its `main.swift` is `Service.main(BookingContext.self)`.
public protocol BoundedContext {
    /// The system it belongs to.
    static var system: SystemManifest { get }
    /// Its name in the system's manifest ("booking").
    static var name: String { get }
    /// The events it publishes, on its own topic: its part of the published language. The
    /// contract documents list them, and publishing another is a programming error.
    static var publishes: [any DomainEvent.Type] { get }
    /// Its tables, in order; the chassis adds its own (outbox, inbox, dead letters).
    static var migrations: [Migration] { get }
    /// Registers its routes, policies and jobs on `service`.
    static func install(on service: Service) throws
}

extension Service {
    /// Runs the context as its executable: reads the arguments and configuration, installs the
    /// context and serves (or answers `--help`, or runs `reset-view`). Exits 2 with one line on
    /// stderr when the configuration is invalid.
    public static func main<Context: BoundedContext>(_ context: Context.Type) -> Never {
        do {
            let service = try Service(context)
            try context.install(on: service)
            service.run()
        } catch {
            fatalStartupError(error)
        }
    }

    public convenience init<Context: BoundedContext>(_ context: Context.Type, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                                                    environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try self.init(system: context.system, context: context.name, migrations: context.migrations, publishes: context.publishes,
                      arguments: arguments, environment: environment)
    }
}
