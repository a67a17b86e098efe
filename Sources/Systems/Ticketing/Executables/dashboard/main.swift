import Chassis
import Ticketing

Service.main(DashboardContext.self)
