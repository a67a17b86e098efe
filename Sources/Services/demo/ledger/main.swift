import Chassis
import Demo

do {
    let service = try Service(system: "demo", context: "ledger", defaultPort: 8090, migrations: Ledger.migrations)
    try Ledger.install(on: service)
    service.run()
} catch {
    fatalStartupError(error)
}
