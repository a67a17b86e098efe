import Chassis
import Musical

Service.main(ReservationContext.self)
