import Chassis
import Hotel

Service.main(ReservationContext.self)
