import Chassis
import Ticketing

Service.main(IssuanceContext.self)
