import Chassis
import Ticketing

do {
    let service = try Service(system: "ticketing", context: "issuance", defaultPort: 8084, migrations: IssuanceContext.migrations)
    IssuanceContext.install(on: service)
    service.run()
} catch {
    fatalStartupError(error)
}
