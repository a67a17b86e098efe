import Chassis
import Ticketing

do {
    let service = try Service(system: "ticketing", context: "pay", defaultPort: 8083, migrations: PayContext.migrations)
    try PayContext.install(on: service)
    service.run()
} catch {
    fatalStartupError(error)
}
