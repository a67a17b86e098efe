import Chassis
import Ticketing

do {
    let service = try Service(system: "ticketing", context: "dashboard", defaultPort: 8085, migrations: DashboardContext.migrations)
    DashboardContext.install(on: service)
    service.view(tables: DashboardContext.viewTables)
    service.run()
} catch {
    fatalStartupError(error)
}
