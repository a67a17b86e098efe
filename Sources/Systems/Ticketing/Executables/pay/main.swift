import Chassis
import Ticketing

Service.main(PayContext.self)
