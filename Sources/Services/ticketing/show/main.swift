import Chassis
import Ticketing

do {
    let service = try Service(system: "ticketing", context: "show", defaultPort: 8082, migrations: ShowContext.migrations)
    ShowContext.install(on: service)
    service.run()
} catch {
    fatalStartupError(error)
}
