import Chassis
import Ticketing

Service.main(ShowContext.self)
