import Chassis
import Ticketing

do {
    let service = try Service(system: "ticketing", context: "booking", defaultPort: 8081, migrations: BookingContext.migrations)
    try BookingContext.install(on: service)
    service.run()
} catch {
    fatalStartupError(error)
}
