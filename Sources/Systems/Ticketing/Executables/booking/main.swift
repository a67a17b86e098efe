import Chassis
import Ticketing

Service.main(BookingContext.self)
